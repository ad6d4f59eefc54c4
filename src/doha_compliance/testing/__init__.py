"""Hypothesis strategies for testing rule sets, ours or yours.

    from hypothesis import given
    from doha_compliance import evaluate
    from doha_compliance.testing import SMALL, event_streams, rule_sets

    @given(rule_sets(SMALL), event_streams(vocabulary=SMALL))
    def test_every_finding_is_of_a_rule_version(agreement, rows):
        report = evaluate(agreement, rows, as_of=SMALL.end)
        assert {f.version for f in report.findings} <= {r.version for r in agreement.rules}

`events()` draws valid event rows (plain dicts, as a file would hold them) with parameters
for parties, types, date range and provinces; `event_streams()` draws lists of them with
unique ids; `rule_sets()` draws whole valid agreements built through the same loader and
JSON Schema as real rule files — with everything the rule language allows: modality, triggers
(another rule's fulfilment or an event), deadlines counted from the trigger, undertakings with no
date, ceilings and parts, links, scope, cover, the claimable kind, signatories and monitors;
`scenarios()` draws an agreement with a stream made for it (unattributed acts, stated
justifications, allegations naming its rules) and a report date; `invalid_rows()` draws rows with
one known defect. A `Vocabulary` (`DOHA`, `SMALL`, `COMPACT`) names the parties, types, provinces
and dates they draw from. Requires hypothesis (installed with the `test` extra).

The suite's own generators for the language laws are private (`testing._generators`).
"""
from __future__ import annotations

from ._events import (
    COMPACT,
    DOHA,
    SMALL,
    Vocabulary,
    dates,
    event_streams,
    events,
    invalid_rows,
    validated_events,
)
from ._rules import KINDS, Scenario, agreement_texts, rule_dicts, rule_sets, scenarios

__all__ = [
    "COMPACT", "DOHA", "KINDS", "SMALL", "Scenario", "Vocabulary", "agreement_texts", "dates", "event_streams",
    "events", "invalid_rows", "rule_dicts", "rule_sets", "scenarios", "validated_events",
]
