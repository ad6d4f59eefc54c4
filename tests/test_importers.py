"""ACLED and UCDP exports read unchanged; mapping in YAML; unmapped rows rejected with the reason."""
from __future__ import annotations

import json
from pathlib import Path


import doha_compliance as dc
from doha_compliance.importers import detect, load_mapping, map_row
from conftest import D, run_cli

ACLED = Path("examples/acled/afghanistan_oct2020_sample.csv")
UCDP = Path("examples/ucdp/ged_afghanistan_sample.csv")


def test_acled_sample_is_detected_mapped_and_judged(doha):
    report = dc.evaluate(doha, dc.read_events(ACLED), as_of=D("2020-10-31"))
    assert (report.inputs.read, report.inputs.evaluated, report.inputs.rejected) == (8, 6, 2)
    reasons = {r.id: r.reason for r in report.rejected}
    assert "actor 'Protesters (Afghanistan)' has no party in the mapping" in reasons["AFG50007"]
    assert "actor 'Unidentified Armed Group (Afghanistan)' has no party" in reasons["AFG50008"]
    assert report.rejected[0].where == f"{ACLED}:8"
    status = {f.evidence[0]: f.status for f in report.findings if f.evidence}
    assert status["AFG50001"] == "violation"        # Lashkar Gah is a provincial capital in the mapping
    assert status["AFG50002"] == status["AFG50003"] == "justified"
    assert status["AFG50004"] == "violation"        # 40 killed
    assert status["AFG50005"] == "violation"        # Firozkoh car bomb
    assert status["AFG50006"] == "violation"        # Wardak strike, nothing to justify it
    strike = next(e for e in report.events if e.id == "AFG50002")
    assert (strike.type, strike.actor, strike.target, strike.date) == ("airstrike", "us", "taliban", D("2020-10-11"))
    assert strike.extra["actor_name"] == "Military Forces of the United States (2017-2021)"
    assert strike.extra["source_type"] == "Explosions/Remote violence/Air/drone strike"


def test_ucdp_sample(doha):
    report = dc.evaluate(doha, dc.read_events(UCDP))
    assert (report.inputs.read, report.inputs.evaluated, report.inputs.rejected) == (4, 3, 1)
    bomb = next(e for e in report.events if e.id == "900003")
    assert (bomb.actor, bomb.target, bomb.province, bomb.fatalities) == ("taliban", "civilians", "Ghor", 19)
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == [("900003",)]
    assert "actor 'Unknown group' has no party" in report.rejected[0].reason


def test_header_detection():
    assert detect(["event_id_cnty", "event_date", "actor1", "x"]) == "acled"
    assert detect(["id", "type_of_violence", "side_a", "side_b", "date_start"]) == "ucdp"
    assert detect(["id", "date", "type", "actor"]) is None


def test_unmapped_event_type_is_rejected_not_guessed():
    mapping = load_mapping("acled")
    row = {"event_id_cnty": "X1", "event_date": "2020-10-01", "actor1": "Taliban", "event_type": "Protests",
           "sub_event_type": "Peaceful protest"}
    mapped, problem, field = map_row(row, mapping)
    assert mapped is None and field == "type" and "'Protests/Peaceful protest' has no mapping" in problem


def test_acled_date_formats_and_bad_dates():
    mapping = load_mapping("acled")
    base = {"event_id_cnty": "X1", "actor1": "Taliban", "event_type": "Battles", "sub_event_type": "Armed clash"}
    assert map_row({**base, "event_date": "05 March 2020"}, mapping)[0]["date"] == "2020-03-05"
    assert map_row({**base, "event_date": "2020-03-05"}, mapping)[0]["date"] == "2020-03-05"
    mapped, problem, field = map_row({**base, "event_date": "31 February 2020"}, mapping)
    assert mapped is None and field == "date"


def test_user_mapping_overrides_the_shipped_one(tmp_path):
    mapping = tmp_path / "mine.yaml"
    text = Path("src/doha_compliance/mappings/acled.yaml").read_text(encoding="utf-8")
    mapping.write_text(text.replace('party: taliban}', 'party: taliban}\n  - {match: "^Protesters", party: civilians}')
                       .replace('types:\n', 'types:\n  - {event_type: "Protests", type: statement}\n'), encoding="utf-8")
    result = run_cli("report", "--rules", "rules/doha", "--events", str(ACLED), "--mapping", str(mapping),
                     "--format", "json", "--as-of", "2020-10-31")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["inputs"]["rejected"] == 1 and data["rejected"][0]["id"] == "AFG50008"


def test_bad_mapping_file_stops_with_exit_2(tmp_path):
    mapping = tmp_path / "bad.yaml"
    mapping.write_text("columns: {}\n", encoding="utf-8")
    result = run_cli("report", "--rules", "rules/doha", "--events", str(ACLED), "--mapping", str(mapping))
    assert result.returncode == 2 and "a mapping needs 'columns', 'actors' and 'types'" in result.stderr


def test_events_format_flag(tmp_path):
    plain = tmp_path / "export.txt"
    plain.write_text(ACLED.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("report", "--rules", "rules/doha", "--events", str(plain), "--events-format", "acled",
                     "--format", "json", "--as-of", "2020-10-31")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["inputs"]["evaluated"] == 6
