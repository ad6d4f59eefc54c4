"""The engine knows nothing Doha-specific: a tiny invented agreement, in a temporary folder, works."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import doha_compliance as dc
from conftest import run_main

AGREEMENT = """agreement:
  id: harbour-truce
  title: Harbour truce between the Blue and Green fleets
  signed: 2024-06-01
  parties: {blue: Blue fleet, green: Green fleet, port: Port authority}
  event_types: [shelling, patrol, handover, complaint]
  location_kinds: [harbour, open_sea]
"""

RULES = """rules:
  - id: truce.no_shelling_harbour
    party: [blue, green]
    title: No shelling of the harbour
    source: Truce, article 1
    basis: public_text
    kind: prohibited
    when: {type: shelling, actor: $party, location_kind: harbour}
  - id: truce.patrols_answer_shelling
    party: green
    title: Green patrols only after Blue shelling
    source: Truce, article 2
    basis: public_text
    kind: conditional
    when: {type: patrol, actor: green}
    justified_by: {when: {type: shelling, actor: blue}, within_days: 2, same: [place]}
  - id: truce.handover
    party: blue
    title: Hand the lighthouse over within 10 days
    source: Truce, article 3
    basis: public_text
    kind: deadline
    due: {from: signature, days: 10}
    fulfilled_by: {when: {type: handover, actor: blue, target: port}}
  - id: truce.complaints
    party: [blue, green]
    title: Complaints
    source: event stream
    basis: reported
    kind: claim
    when: {type: complaint, accused: $party}
    lookback_days: 5
"""

EVENTS = [
    {"id": "e1", "date": "2024-06-03", "type": "shelling", "actor": "blue", "location_kind": "harbour", "place": "North quay"},
    {"id": "e2", "date": "2024-06-04", "type": "patrol", "actor": "green", "place": "North quay"},
    {"id": "e3", "date": "2024-06-08", "type": "patrol", "actor": "green", "place": "South quay"},
    {"id": "e4", "date": "2024-06-09", "type": "complaint", "actor": "blue", "accused": "green"},
    {"id": "e5", "date": "2024-06-11", "type": "handover", "actor": "blue", "target": "port"},
]


def make(tmp_path: Path) -> Path:
    folder = tmp_path / "harbour"
    folder.mkdir()
    (folder / "agreement.yaml").write_text(AGREEMENT, encoding="utf-8")
    (folder / "truce.yaml").write_text(RULES, encoding="utf-8")
    return folder


def test_a_second_agreement_is_evaluated(tmp_path):
    agreement = dc.load_rules(make(tmp_path))
    # issue 24: a harbour log declaring it records shelling systematically from 3 to 11 June
    log = [dc.SourceCoverage(source="harbour log", types=("shelling",), start=dt.date(2024, 6, 3),
                             end=dt.date(2024, 6, 11), declared_by="a test")]
    report = dc.evaluate(agreement, EVENTS, coverage=log)
    got = {(f.rule, f.party, f.status, f.evidence[0] if f.evidence else None) for f in report.findings}
    assert got == {
        ("truce.no_shelling_harbour", "blue", "violation", "e1"),
        ("truce.patrols_answer_shelling", "green", "justified", "e2"),
        ("truce.patrols_answer_shelling", "green", "violation", "e3"),
        ("truce.handover", "blue", "met", "e5"),
        # Green shelled nothing while the harbour log records shelling (3 to 11 June):
        # its no-shelling commitment was kept over the days the log covers.
        ("truce.no_shelling_harbour", "green", "complied", None),
        # Blue shelled the harbour on 3 June (e1): kept from 4 to 11 June, the rest of the log's span.
        ("truce.no_shelling_harbour", "blue", "complied", None),
    }
    assert [(f.span_start.isoformat(), f.date.isoformat()) for f in report.findings
            if f.status == "complied" and f.party == "blue"] == [("2024-06-04", "2024-06-11")]
    complied = next(f for f in report.findings if f.status == "complied" and f.party == "green")
    assert complied.date.isoformat() == "2024-06-11" and "from 2024-06-01 to 2024-06-11" not in complied.reason
    assert "from 2024-06-03 to 2024-06-11" in complied.reason
    # Blue's complaint is borne out by the unjustified patrol e3: corroborated, so no separate 'alleged' finding.
    assert [(c.event, c.assessment, c.findings) for c in report.claims] == [
        ("e4", "corroborated", ("truce.patrols_answer_shelling/green/e3",))]
    assert report.to_json() == dc.evaluate(agreement, EVENTS, engine="reference", coverage=log).to_json()


def test_doha_party_names_are_unknown_to_it(tmp_path):
    agreement = dc.load_rules(make(tmp_path))
    report = dc.evaluate(agreement, [{"id": "x", "date": "2024-06-02", "type": "shelling", "actor": "taliban"}])
    assert report.inputs.rejected == 1 and "unknown party 'taliban'" in report.rejected[0].reason


def test_cli_on_the_second_agreement(tmp_path):
    events = tmp_path / "events.json"
    events.write_text(json.dumps(EVENTS), encoding="utf-8")
    result = run_main("report", "--rules", str(make(tmp_path)), "--events", str(events), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["agreement"] == "harbour-truce"
    assert data["parties"]["blue"]["violation"] == 1 and data["parties"]["green"]["justified"] == 1
