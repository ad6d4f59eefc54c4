"""doha-compliance: check a stream of dated events against a peace agreement's commitments.

    rules = doha_compliance.load_rules("rules/doha")
    events = doha_compliance.read_events("events.yaml")
    report = doha_compliance.evaluate(rules, events, as_of=date(2020, 10, 31))
    report.findings; report.to_json()
"""
from .api import EventSource, evaluate, read_events
from .errors import ComplianceError, EventError, InputFileError, Location, RuleError, RuleSetError
from .models import Agreement, Claim, Event, Finding, Rejection, Rule
from .report import Report
from .rules import load_rules

__all__ = [
    "Agreement", "Claim", "ComplianceError", "Event", "EventError", "EventSource", "Finding", "InputFileError",
    "Location", "Rejection", "Report", "Rule", "RuleError", "RuleSetError", "evaluate", "load_rules", "read_events",
]
__version__ = "0.1.0"
