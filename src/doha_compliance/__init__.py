"""doha-compliance: check a stream of dated events against a peace agreement's commitments.

    rules = doha_compliance.load_rules("rules/doha")   # or bundled.rule_set("doha") from any install
    events = doha_compliance.read_events("events.yaml")  # or bundled.example("oct2020").events
    report = doha_compliance.evaluate(rules, events, as_of=date(2020, 10, 31))
    report.findings; doha_compliance.render(report, "md")

The package is laid out by pipeline stage, each layer importing only from those before it
(checked by import-linter, see pyproject.toml): `rules` (the rule language) -> `intake` (event
files and exports) -> `matching` (which events each rule matches) -> `judging` (statuses) ->
`report` -> `render` -> `api` -> `fanout` (every agreement at once) -> `cli`; `reference` holds
the plain-Python oracles beside the engine. What is public is listed in `__all__` below (and pinned
by tests/test_public_api.py); every other module is an implementation detail that may move.
"""
from doha_compliance import bundled
from doha_compliance.api import EventSource, evaluate, read_events
from doha_compliance.errors import (
    AgreementsFailed,
    ComplianceError,
    EngineUnavailable,
    EventError,
    FileProblem,
    InputFileError,
    LocatedError,
    Location,
    PandasMissing,
    RuleError,
    RuleSetError,
    TooManyRejections,
    YamlProblem,
)
from doha_compliance.fanout import evaluate_many
from doha_compliance.models import Agreement, Claim, Event, Finding, Rejection, Rule, SourceCoverage
from doha_compliance.renderers import FORMATS, render
from doha_compliance.report.explain import explain
from doha_compliance.report.report import Report
from doha_compliance.rules.loader import load_rules, load_rules_from_texts

__all__ = [
    "FORMATS", "Agreement", "AgreementsFailed", "Claim", "ComplianceError", "EngineUnavailable", "Event", "EventError",
    "EventSource",
    "FileProblem", "Finding", "InputFileError", "LocatedError", "Location", "PandasMissing", "Rejection", "Report",
    "Rule", "RuleError", "RuleSetError", "SourceCoverage", "TooManyRejections", "YamlProblem", "bundled", "evaluate",
    "evaluate_many", "explain",
    "load_rules", "load_rules_from_texts", "read_events", "render",
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
