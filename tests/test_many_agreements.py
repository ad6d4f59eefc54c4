"""Every agreement at once (issue 27): `area:`/`period:`, the rows each agreement reads, `evaluate_many`
and `report --rules A --rules B`. Verdicts reasoned by hand from tests/data/acled_many_countries_shape.csv:

    line 2 AFG1 2020-10-11 Afghanistan  Taliban attack
    line 3 SYR1 2020-10-11 Syria        (Syrian forces: no agreement's area)
    line 4 LBN1 2024-12-02 Lebanon      Israeli air strike (geo_precision 3: no location kind)
    line 5 UKR1 2015-02-15 Ukraine      shelling (geo_precision 1: location kind `district`)
    line 6 UKR2 2023-05-01 Ukraine      (after minsk-2's period, until 2022-02-23)
    line 7 AFG2 2020-10-12 Afghanistan  US air strike
    line 8 NOC1 2020-10-13 (no country) Taliban clash

doha (Afghanistan) reads AFG1, AFG2, NOC1 (a row naming no country is never outside by country): 3 in,
4 outside. lebanon-2024 (Lebanon, Israel) reads them through its own ACLED mapping (rules/lebanon-2024/
mappings/acled.yaml; tests/test_rule_set_mappings.py): LBN1 (an Israeli strike: actor `israel`) and NOC1
(the Taliban are no Lebanon party there: `other`, not rejected): 5 outside.
minsk-2 (Ukraine, until 2022-02-23) reads UKR1 (rejected: the shipped mapping's default location kind
`district` is not one of Minsk's) and NOC1 (rejected likewise): UKR2 is outside by its date, 5 outside.
"""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import ROOT, run_main
from doha_compliance.intake.area import outside
from doha_compliance.intake.readers import RawRow

EXPORT = Path("tests") / "data" / "acled_many_countries_shape.csv"  # from the repository root (conftest)
NAMES = ("doha", "lebanon-2024", "minsk-2")


@pytest.fixture(scope="module")
def bundled_sets():
    return [dc.load_rules(ROOT / "rules" / name) for name in NAMES]


def test_each_agreement_reads_the_rows_of_its_area_and_period(bundled_sets):
    reports = dc.evaluate_many(bundled_sets, dc.read_events(EXPORT), jobs=1)
    assert list(reports) == ["doha-2020", "lebanon-2024", "minsk-2"]  # in the order given
    doha, lebanon, minsk = reports.values()
    assert doha.inputs.to_dict() == {"read": 7, "evaluated": 3, "rejected": 0, "after_as_of": 0, "outside": 4}
    assert lebanon.inputs.to_dict() == {"read": 7, "evaluated": 2, "rejected": 0, "after_as_of": 0, "outside": 5}
    assert minsk.inputs.to_dict() == {"read": 7, "evaluated": 0, "rejected": 2, "after_as_of": 0, "outside": 5}
    assert list(lebanon.rejected) == []
    # rejections keep the export's own file:line, through the spool
    assert [(r.where, r.id) for r in minsk.rejected] == [("tests/data/acled_many_countries_shape.csv:5", "UKR1"),
                                                          ("tests/data/acled_many_countries_shape.csv:8", "NOC1")]
    assert {e.id for e in doha.events} <= {"AFG1", "AFG2", "NOC1"}
    assert doha.imports[0].evaluated == 3 and lebanon.imports[0].actors[:2] == (("party", 1), ("other", 1))


def test_outside_says_why(bundled_sets):
    doha, lebanon, minsk = bundled_sets
    assert outside(lebanon, RawRow("x:2", {"country": "Syria", "date": "2024-12-01"})) == \
        "country Syria is outside the agreement's area (Lebanon, Israel)"
    assert outside(lebanon, RawRow("x:2", {"country": " israel ", "date": "2024-12-01"})) is None  # trimmed, no case
    assert outside(minsk, RawRow("x:2", {"country": "Ukraine", "date": "2023-05-01"})) == \
        "dated 2023-05-01, after the agreement's period (until 2022-02-23)"
    assert outside(minsk, RawRow("x:2", {"country": "Ukraine", "date": dt.date(2022, 2, 23)})) is None  # inclusive
    assert outside(doha, RawRow("x:2", {"date": "2020-10-01"})) is None  # no country: not outside by country
    assert outside(doha, RawRow("x:2", {"country": "Afghanistan", "date": "not a date"})) is None  # validation's
    assert outside(doha, RawRow("x:2", None, "bad row")) is None  # rejected by every agreement, with its line


def test_the_doha_report_alone_is_the_one_among_all(bundled_sets, tmp_path):
    alone = run_main("report", "--rules", "doha", "--events", str(EXPORT), "--format", "json")
    assert alone.returncode == 0, alone.stderr
    result = run_main("report", "--rules", "all", "--events", str(EXPORT), "--format", "json",
                      "--output-dir", str(tmp_path / "out"), "--jobs", "2")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(tmp_path / "out")) == ["doha-2020.json", "lebanon-2024.json", "minsk-2.json"]
    assert (tmp_path / "out" / "doha-2020.json").read_text(encoding="utf-8") == alone.stdout
    assert "doha-2020: read 7: evaluated 3, rejected 0, outside its area and period 4;" in result.stderr
    assert "rejected (minsk-2): tests/data/acled_many_countries_shape.csv:5: UKR1: unknown location kind 'district'" in result.stderr
    text = run_main("report", "--rules", "doha", "--events", str(EXPORT))
    assert "Events read 7: evaluated 3 (0 dated after the report date), rejected 0, outside the agreement's area " \
           "and period 4." in text.stdout


def test_jobs_1_and_jobs_2_give_the_same_bytes(tmp_path):
    for jobs in ("1", "2"):
        for fmt in ("json", "text"):
            result = run_main("report", "--rules", "doha", "--rules", "lebanon-2024", "--rules", "minsk-2",
                              "--events", str(EXPORT), "--format", fmt, "--output-dir", str(tmp_path / jobs),
                              "--jobs", jobs)
            assert result.returncode == 0, result.stderr
    for name in sorted(os.listdir(tmp_path / "1")):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    assert len(os.listdir(tmp_path / "1")) == 6


def test_an_agreement_without_area_reads_everything():
    # a rule set in memory without `area:`: every row is read, and JSON has no `outside` key
    files = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "rules" / "doha").glob("*.yaml")}
    files["agreement.yaml"] = files["agreement.yaml"].replace("  area:\n    countries: [Afghanistan]\n", "")
    plain = dc.load_rules_from_texts(files)
    assert not plain.area
    report = dc.evaluate(plain, dc.read_events(EXPORT))
    assert report.inputs.to_dict()["read"] == 7 and "outside" not in report.inputs.to_dict()


@pytest.mark.parametrize("area, message", [
    ("  area:\n    zones: [kabul]\n", "agreement.yaml: area.zones: 'kabul' is not one of the agreement's zones: "
                                     "the agreement declares no `zones:`"),
    ("  area:\n    countries: [Afghanistan, ' afghanistan']\n", "is named twice"),
    ("  period:\n    from: 2021-01-01\n    until: 2020-01-01\n", "period: until 2020-01-01 is before from 2021-01-01"),
    ("  area:\n    continents: [Asia]\n", "area"),
])
def test_rules_check_refuses_a_bad_area(area, message):
    files = {p.name: p.read_text(encoding="utf-8") for p in (ROOT / "rules" / "doha").glob("*.yaml")}
    files["agreement.yaml"] = files["agreement.yaml"].replace("  area:\n    countries: [Afghanistan]\n", area)
    with pytest.raises(dc.RuleSetError) as caught:
        dc.load_rules_from_texts(files)
    assert any(message in str(e) for e in caught.value.errors), [str(e) for e in caught.value.errors]


def test_an_area_of_zones_places_rows_by_their_point(tmp_path):
    folder = tmp_path / "lebanon"
    shutil.copytree(ROOT / "rules" / "lebanon-2024", folder)
    text = (folder / "agreement.yaml").read_text(encoding="utf-8")
    (folder / "agreement.yaml").write_text(text.replace("    countries: [Lebanon, Israel]\n",
                                                        "    zones: [south_of_litani]\n"), encoding="utf-8")
    agreement = dc.load_rules(folder)
    khiam = {"date": "2024-12-02", "latitude": 33.33, "longitude": 35.61}  # south of the Litani
    beirut = {"date": "2024-12-02", "latitude": 33.8869, "longitude": 35.5131}
    assert outside(agreement, RawRow("x:1", khiam)) is None
    assert outside(agreement, RawRow("x:2", beirut)) == \
        "lies in lebanon, outside the agreement's area (zones south_of_litani)"
    assert outside(agreement, RawRow("x:3", {"date": "2024-12-02"})) is None  # nothing places it: inside
    # a listed country is not needed when the row lies in a listed zone; an unlisted one is outside
    assert outside(agreement, RawRow("x:4", {**khiam, "country": "Israel"})) is None


def test_command_line_mistakes_are_one_line(tmp_path):
    base = ("report", "--rules", "doha", "--rules", "minsk-2", "--events", str(EXPORT))
    missing = run_main(*base)
    assert missing.returncode == 2 and "2 rule sets give 2 reports: name a folder for them with --output-dir" \
        in missing.stderr
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    a_file = run_main(*base, "--output-dir", str(tmp_path / "a-file"))
    assert a_file.returncode == 2 and "is a file, not a folder" in a_file.stderr
    one_file = run_main(*base, "--output", str(tmp_path / "r.txt"))
    assert one_file.returncode == 2 and "names one file: with several rule sets" in one_file.stderr
    # the export copied to where a report would go: refused before any work, the file untouched
    export = tmp_path / "doha-2020.txt"
    shutil.copy(ROOT / EXPORT, export)
    clash = run_main("report", "--rules", "doha", "--rules", "minsk-2", "--events", str(export),
                     "--events-format", "acled", "--output-dir", str(tmp_path))
    assert clash.returncode == 2 and "is an input of this run" in clash.stderr
    assert export.read_bytes() == (ROOT / EXPORT).read_bytes() and not (tmp_path / "minsk-2.txt").exists()
    party = run_main(*base, "--output-dir", str(tmp_path / "o"), "--party", "hezbollah")
    assert party.returncode == 2 and "--party hezbollah: not a party of any of the agreements" in party.stderr
    for result in (missing, a_file, one_file, clash, party):
        assert "Traceback" not in result.stderr


def test_one_agreement_failing_does_not_stop_the_others(bundled_sets, tmp_path):
    with pytest.raises(dc.AgreementsFailed) as caught:
        dc.evaluate_many(bundled_sets, dc.read_events(EXPORT), jobs=2, max_errors=1)
    # minsk rejects UKR1 (and NOC1): max_errors 1 stops it; doha and lebanon (its own mapping) reject nothing
    assert sorted(caught.value.errors) == ["minsk-2"]
    assert "stopped: 1 events rejected" in caught.value.errors["minsk-2"]
    assert list(caught.value.reports) == ["doha-2020", "lebanon-2024"]
    assert caught.value.reports["doha-2020"].inputs.evaluated == 3
    result = run_main("report", "--rules", "all", "--events", str(EXPORT), "--max-errors", "1",
                      "--output-dir", str(tmp_path))
    assert result.returncode == 2 and "minsk-2: stopped" in result.stderr
    assert sorted(os.listdir(tmp_path)) == ["doha-2020.txt", "lebanon-2024.txt"]


def test_explain_says_a_row_was_outside():
    result = run_main("explain", "SYR1", "--rules", "doha", "--events", str(EXPORT))
    assert result.returncode == 0
    assert result.stdout == ("event SYR1 at tests/data/acled_many_countries_shape.csv:3 was not evaluated: outside the "
                             "agreement's area and period: country Syria is outside the agreement's area "
                             "(Afghanistan)\n")


def test_rules_check_says_what_each_bundled_set_reads():
    for name, line in (("doha", "area and period: countries Afghanistan"),
                       ("lebanon-2024", "area and period: countries Lebanon, Israel"),
                       ("minsk-2", "area and period: countries Ukraine; until 2022-02-23")):
        result = run_main("rules", "check", name)
        assert result.returncode == 0 and result.stdout.splitlines()[-1] == line


def test_the_bundled_examples_through_the_fan_out_are_their_expected_reports():
    # YAML rows (dates, numbers, lists as YAML reads them) go through the pickled spools and worker
    # processes unchanged: each example's report is its expected report, byte for byte
    from doha_compliance.renderers import render
    rules = [dc.load_rules(ROOT / "rules" / name) for name in ("doha", "lebanon-2024", "minsk-2")]
    for example, as_of, expected in (("timeline_2020_2021", "2021-09-01", "expected-2021-09-01.json"),
                                     ("lebanon_2024", "2025-04-30", "expected-2025-04-30.json"),
                                     ("minsk_2", "2016-01-15", "expected-2016-01-15.json")):
        path = Path("examples") / example / "events.yaml"
        reports = dc.evaluate_many(rules, dc.read_events(path), as_of=dt.date.fromisoformat(as_of), jobs=2)
        agreement = {"timeline_2020_2021": "doha-2020", "lebanon_2024": "lebanon-2024", "minsk_2": "minsk-2"}[example]
        wanted = (ROOT / "examples" / example / expected).read_text(encoding="utf-8")
        assert render(reports[agreement], "json") == wanted, example
