"""doha-compliance: check a stream of dated events against a peace agreement's commitments.

    rules = doha_compliance.load_rules("rules/doha")   # or bundled.rule_set("doha") from any install
    events = doha_compliance.read_events("events.yaml")  # or bundled.example("oct2020").events
    report = doha_compliance.evaluate(rules, events, as_of=date(2020, 10, 31))
    report.findings; report.to_json()
"""
from . import bundled
from .api import EventSource, evaluate, read_events
from .errors import ComplianceError, EventError, InputFileError, Location, RuleError, RuleSetError
from .models import Agreement, Claim, Event, Finding, Rejection, Rule
from .report import Report
from .rules import load_rules

__all__ = [
    "Agreement", "Claim", "ComplianceError", "Event", "EventError", "EventSource", "Finding", "InputFileError",
    "Location", "Rejection", "Report", "Rule", "RuleError", "RuleSetError", "evaluate", "load_rules", "read_events",
]


def _version() -> str:
    """The installed distribution's version (its one source is pyproject.toml); "0+unknown" when the
    package runs from a source tree that was never installed."""
    from importlib import metadata
    try:
        return metadata.version("doha-compliance")
    except metadata.PackageNotFoundError:
        return "0+unknown"


__version__ = _version()
