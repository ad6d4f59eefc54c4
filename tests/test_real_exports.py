"""The importers on real ACLED and UCDP rows, read in place from ../shared/real-data/.

Those files are third parties' data (see their PROVENANCE.md) and are never copied here; on a clone
without them every test in this file is skipped and says why. Expectations are computed from the
CSV with the csv module and lists written out below (ACLED's own spellings of the capitals, read off
the files), not from the importer's code.
"""
from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

import doha_compliance as dc
from doha_compliance import api
from conftest import ROOT, run_main

REAL = ROOT.parent / "shared" / "real-data"
pytestmark = pytest.mark.skipif(not (REAL / "PROVENANCE.md").exists(),
                                reason="real ACLED/UCDP rows are not here (../shared/real-data/ is absent on a clone)")

ACLED_2022 = REAL / "acled_afg_2022_acledR.csv"
ACLED_2019 = REAL / "acled_afg_2019-04-01_2019-09-28_conflict-elections.csv"
ACLED_2020 = REAL / "acled_afg_2020-2021_unattributed_excerpt.csv"
UCDP_2019 = REAL / "ucdp_ged231_sample_afg_2019-2021.csv"
UCDP_ALL = REAL / "ucdp_ged231_sample_afg_1989-2022.csv"
EXTRACT_MAPPING = ROOT / "tests" / "data" / "conflict-elections.mapping.yaml"

# How the 2019 extract writes each province's capital in `Location` (read off the file).
CAPITALS_2019 = {
    "Badakhshan": "Fayzabad", "Badghis": "Qala i Naw", "Baghlan": "Pul-e Khumri", "Balkh": "Mazar-e Sharif",
    "Bamyan": "Bamyan", "Daykundi": "Nili", "Farah": "Farah", "Faryab": "Maymana", "Ghazni": "Ghazni",
    "Ghor": "Chaghcharan", "Helmand": "Lashkargah", "Herat": "Herat", "Jowzjan": "Shibirghan", "Kabul": "Kabul",
    "Kandahar": "Kandahar", "Kapisa": "Mahmud-e-Raqi", "Khost": "Khost", "Kunar": "Asadabad", "Kunduz": "Kunduz",
    "Laghman": "Mehtar Lam", "Logar": "Puli Alam", "Nangarhar": "Jalalabad", "Nimruz": "Zaranj", "Paktia": "Gardez",
    "Paktika": "Sharan", "Panjshir": "Bazarak", "Parwan": "Charikar", "Samangan": "Samangan", "Sar-e Pol": "Sar-e Pol",
    "Takhar": "Taloqan", "Urozgan": "Tarinkot", "Wardak": "Maidan Shar", "Zabul": "Qalat",
}
# ... and how the 2022 rows write them (admin1 -> location).
CAPITALS_2022 = {
    "Badakhshan": "Faiz Abad", "Baghlan": "Pul-i-Khumri", "Balkh": "Mazar-e-Sharif", "Bamyan": "Bamyan", "Daykundi": "Nili",
    "Faryab": "Maimana", "Herat": "Herat", "Kabul": "Kabul", "Kandahar": "Kandahar", "Khost": "Khost", "Kunar": "Asad Abad",
    "Laghman": "Mehterlam", "Logar": "Puli Alam", "Nangarhar": "Jalalabad", "Nimruz": "Zaranj", "Nuristan": "Paroon",
    "Panjshir": "Bazarak", "Samangan": "Aybak", "Takhar": "Taluqan", "Zabul": "Qalat", "Farah": "Farah",
}


def rows_of(path: Path) -> list:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def events(doha, path, mapping=None):
    accepted, rejected, read = api.collect(doha, dc.read_events(path, mapping=mapping))
    return {e.id: e for e in accepted}, rejected, read


def test_acled_2022_no_row_is_rejected_for_a_name(doha):
    found, rejected, read = events(doha, ACLED_2022)
    assert (read, len(found), rejected) == (105, 105, [])
    raw = {r["event_id_cnty"]: r for r in rows_of(ACLED_2022)}
    for event_id, row in raw.items():
        e = found[event_id]
        assert e.extra["actor_name"] == row["actor1"]
        if row["actor1"].startswith(("Military Forces of Afghanistan (2021-)", "Police Forces of Afghanistan (2021-)")):
            assert e.actor == "taliban"
        if row["actor1"] in ("Unidentified Armed Group (Afghanistan)", "Protesters (Afghanistan)", "Rioters (Afghanistan)"):
            assert e.actor == "unknown"
        if row["actor1"] == "National Resistance Front" or row["actor1"].startswith("Military Forces of Pakistan"):
            assert e.actor == "other"
        if row["event_type"] in ("Strategic developments", "Protests", "Riots"):
            assert e.type == "other"


def test_acled_2022_geo_precision_3_is_never_a_capital(doha):
    found, _, _ = events(doha, ACLED_2022)
    at_capital = [r for r in rows_of(ACLED_2022) if CAPITALS_2022.get(r["admin1"]) == r["location"]]
    by_precision = Counter(r["geo_precision"] for r in at_capital)
    assert by_precision["3"] >= 15 and by_precision["1"] + by_precision["2"] >= 20   # both kinds are there to test
    for r in at_capital:
        kind = found[r["event_id_cnty"]].location_kind
        assert kind == (None if r["geo_precision"] == "3" else "provincial_capital"), r["event_id_cnty"]


def test_acled_2019_extract_attacks_at_capitals_under_every_spelling(doha):
    """The extract has no geo_precision column (its author dropped it): here every row at a capital's
    name is at the capital, and "none at geo_precision 3" cannot be told — it is tested on the 2022
    rows above and on tests/data/acled_2022_shape.csv. Nor has it an event id: ids are file:line."""
    found, rejected, read = events(doha, ACLED_2019, EXTRACT_MAPPING)
    assert (read, len(found), rejected) == (6742, 6742, [])
    expected = set()
    for line, r in enumerate(rows_of(ACLED_2019), start=2):   # no quoted cell spans lines in this file
        taliban = r["Actor1"].startswith("Taliban") and "and/or" not in r["Actor1"]
        attack = r["Type"] in ("Battles", "Explosions/Remote violence") and r["Sub_type"] != "Air/drone strike" \
            or r["Sub_type"] in ("Attack", "Sexual violence")
        if taliban and attack and CAPITALS_2019.get(r["admin1"]) == r["Location"]:
            expected.add(f"{ACLED_2019.name}:{line}")
    got = {i for i, e in found.items() if e.actor == "taliban" and e.type == "attack" and e.location_kind == "provincial_capital"}
    assert got == expected and len(got) == 847
    spellings = Counter(found[i].place for i in got)
    for spelling in ("Puli Alam", "Maidan Shar", "Lashkargah", "Sharan", "Shibirghan", "Fayzabad", "Qala i Naw",
                     "Mahmud-e-Raqi", "Mazar-e Sharif", "Pul-e Khumri", "Maymana", "Taloqan", "Samangan"):
        assert spellings[spelling] > 0, spelling
    # Jowzjan's Fayzabad district is not Badakhshan's capital; "Taliban and/or Islamic State" is nobody's
    assert all(e.location_kind == "district" for e in found.values() if (e.province, e.place) == ("Jowzjan", "Fayzabad"))
    assert {e.actor for e in found.values() if e.extra["actor_name"] == "Taliban and/or Islamic State (Afghanistan)"} == {"unknown"}


def test_acled_2020_2021_excerpt(doha):
    found, rejected, read = events(doha, ACLED_2020)
    assert (read, rejected) == (9, [])
    assert {e.actor for e in found.values()} == {"unknown"}   # every row: Unidentified Armed Group (Afghanistan)
    assert {e.target for e in found.values() if e.extra.get("target_name", "").startswith("Police Forces of Afghanistan (2014-2021)")} == {"afghan_forces"}


def test_ucdp_taloqan_3_may_2021_is_a_violence_reduction_finding(doha):
    report = dc.evaluate(doha, dc.read_events(UCDP_2019))
    assert (report.inputs.read, report.inputs.rejected) == (36, 0)
    taloqan = [f for f in report.findings if f.evidence == ("400777",)]
    assert [(f.rule, f.party, f.status, str(f.date)) for f in taloqan] == [("violence.reduction", "taliban", "violation", "2021-05-03")]
    found, _, _ = events(doha, UCDP_2019)
    assert (found["400777"].location_kind, found["400777"].province, found["400777"].target) == ("provincial_capital", "Takhar", "civilians")
    # state-based rows: nobody's violation, both sides kept
    state = [e for e in found.values() if e.type == "clash"]
    assert state and all(e.actor == "unknown" and e.extra["side_a_name"] == "Government of Afghanistan" for e in state)
    cited = {x for f in report.findings for x in f.evidence}
    assert not cited & {e.id for e in state}


def test_ucdp_1989_2022_reads_whole(doha):
    found, rejected, read = events(doha, UCDP_ALL)
    assert (read, len(found), rejected) == (135, 135, [])
    sides = Counter((e.date.year, e.extra.get("side_a")) for e in found.values() if e.type == "clash")
    assert sides[(1997, "taliban")] and sides[(2022, "taliban")] and sides[(2019, "afghan_forces")]


@pytest.mark.parametrize("path, columns, mapping", [
    (ACLED_2022, ("actor1", "actor2"), None),
    (UCDP_ALL, ("side_a", "side_b"), None),
    (ACLED_2019, ("Actor1", "Actor2"), EXTRACT_MAPPING),
])
def test_mapping_check_lists_every_actor_of_a_real_export(path, columns, mapping):
    args = ["mapping", "check", str(path), "--format", "json"] + (["--mapping", str(mapping)] if mapping else [])
    result = run_main(*args)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    names = {r[c].strip() for r in rows_of(path) for c in columns if r[c].strip()}
    assert {a["name"] for a in data["actors"]} == names
    assert all(a["party"] and a["rows"] > 0 for a in data["actors"])
    assert data["rows"] == len(rows_of(path)) and data["malformed"] == 0


def test_the_provided_extract_mapping_says_what_replaced_its_capitals():
    result = run_main("mapping", "check", str(ACLED_2019), "--mapping", str(REAL / "conflict-elections.mapping.yaml"))
    assert result.returncode == 2 and "provincial_capitals: capitals now come from a gazetteer" in result.stderr


def test_the_docs_mapping_check_table_is_the_real_one():
    """docs/exports.md (moved there from the README's *ACLED and UCDP exports*) shows the real table."""
    section = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    block = section.split("```\n", 2)[1]
    result = run_main("mapping", "check", str(ACLED_2022))
    assert result.returncode == 0, result.stderr
    shown = [line for line in block.splitlines() if line.strip() and line.strip() != "..."]
    assert len(shown) >= 15 and all(line in result.stdout.splitlines() for line in shown)
