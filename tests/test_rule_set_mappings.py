"""A mapping per rule set (issue 27): rules/<set>/mappings/acled.yaml, ucdp.yaml read for that agreement.

Verdicts reasoned by hand. tests/data/acled_three_agreements_shape.csv (rows written for these tests, in
ACLED's exact column shape):

    line 2 AFG1 2020-10-11 Afghanistan Taliban vs Afghan forces, Lashkar Gah (Helmand's capital), precision 1
    line 3 AFG2 2020-10-12 Afghanistan US air strike on the Taliban, Chahar Dara, precision 2
    line 4 LBN1 2024-12-02 Lebanon     Israeli drone strike on Hezbollah, Khiam, precision 1
    line 5 LBN2 2024-12-02 Israel      Hezbollah shells an Israeli position, Mount Dov, precision 1
    line 6 LBN3 2025-01-26 Lebanon     Israeli forces fire on civilians, Houla, precision 1
    line 7 LBN4 2024-12-10 Lebanon     Lebanon's army arrests an unidentified armed group, Tyre, precision 1
    line 8 UKR1 2019-07-01 Ukraine     NAF shelling near Zaitseve, precision 1
    line 9 SYR1 2020-10-11 Syria       (no agreement's area)

doha (Afghanistan, the shipped mapping): AFG1 attack by taliban on afghan_forces at a provincial_capital,
AFG2 airstrike by us on taliban in a district; 6 outside. lebanon-2024 (Lebanon, Israel; its own mapping):
LBN1 airstrike israel -> hezbollah, LBN2 rocket_fire hezbollah -> israel (the shelling entry for Israel's
forces does not match Hezbollah), LBN3 gunfire israel -> civilians, LBN4 arrest lebanon -> unknown; no
location kind (its mapping declares none), so nothing is rejected; 4 outside. minsk-2 has no ACLED mapping
(ACLED did not cover Ukraine in 2015): UKR1 goes through the shipped one and is rejected for its `district`,
as before this change; 7 outside.

tests/data/ucdp_minsk_shape.csv (UCDP GED's 49 columns): 800001 state-based, Government of Ukraine vs
United Armed Forces of Novorossiya in Donetsk oblast (side_b: dpr by the province); 800002 the same in
Luhansk oblast (lpr); 800003 one-sided, DPR against civilians (actor dpr, target other); 800004 Afghanistan.
"""
from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import ROOT, run_main
from doha_compliance import api

ACLED = Path("tests") / "data" / "acled_three_agreements_shape.csv"  # from the repository root (conftest)
UCDP = Path("tests") / "data" / "ucdp_minsk_shape.csv"
NAMES = ("doha", "lebanon-2024", "minsk-2")


@pytest.fixture(scope="module")
def bundled_sets():
    return [dc.load_rules(ROOT / "rules" / name) for name in NAMES]


def _read(report):
    """(id, type, actor, target, location kind) of each row the agreement read and kept."""
    return sorted((e.id, e.type, e.actor, e.target, e.location_kind) for e in report)


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_agreement_reads_the_export_through_its_own_mapping(bundled_sets, jobs):
    doha, lebanon, minsk = dc.evaluate_many(bundled_sets, dc.read_events(ACLED), jobs=jobs).values()
    assert lebanon.inputs.to_dict() == {"read": 8, "evaluated": 4, "rejected": 0, "after_as_of": 0, "outside": 4}
    assert lebanon.imports[0].actors[:2] == (("party", 4), ("other", 0))  # every side is a lebanon-2024 party
    assert ("LBN1", "airstrike", "israel", "hezbollah", None) in _read(lebanon.events)
    assert doha.inputs.to_dict() == {"read": 8, "evaluated": 2, "rejected": 0, "after_as_of": 0, "outside": 6}
    assert minsk.inputs.to_dict() == {"read": 8, "evaluated": 0, "rejected": 1, "after_as_of": 0, "outside": 7}
    assert [(r.where, r.id, r.reason) for r in minsk.rejected] == [
        ("tests/data/acled_three_agreements_shape.csv:8", "UKR1", "unknown location kind 'district'")]


def test_one_agreement_alone_reads_its_own_mapping_too(bundled_sets):
    doha, lebanon, minsk = bundled_sets
    accepted, rejected, read = api.collect(lebanon, dc.read_events(ACLED).for_agreement(lebanon))
    inside = [e for e in accepted if e.id.startswith("LBN")]
    assert _read(inside) == [("LBN1", "airstrike", "israel", "hezbollah", None),
                             ("LBN2", "rocket_fire", "hezbollah", "israel", None),
                             ("LBN3", "gunfire", "israel", "civilians", None),
                             ("LBN4", "arrest", "lebanon", "unknown", None)]
    assert [e.where for e in inside] == [f"tests/data/acled_three_agreements_shape.csv:{n}" for n in (4, 5, 6, 7)]
    # evaluate() takes the rule set's mapping itself, and gives the fan-out's report; so through the
    # command's progress bar wrapper (on a terminal)
    from doha_compliance.cli.progress import WithProgress
    alone = dc.evaluate(lebanon, dc.read_events(ACLED))
    wrapped = dc.evaluate(lebanon, WithProgress(dc.read_events(ACLED)))
    assert wrapped.inputs == alone.inputs and wrapped.imports == alone.imports
    among = dc.evaluate_many(bundled_sets, dc.read_events(ACLED), jobs=1)["lebanon-2024"]
    assert alone.inputs == among.inputs and alone.imports == among.imports
    assert [f.to_dict() for f in alone.findings] == [f.to_dict() for f in among.findings]


def test_the_doha_report_is_the_same_alone_and_among_all(tmp_path):
    alone = run_main("report", "--rules", "doha", "--events", str(ACLED), "--format", "json")
    assert alone.returncode == 0, alone.stderr
    for jobs in ("1", "2"):
        result = run_main("report", "--rules", "all", "--events", str(ACLED), "--format", "json",
                          "--output-dir", str(tmp_path / jobs), "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / jobs / "doha-2020.json").read_text(encoding="utf-8") == alone.stdout
        assert "lebanon-2024: read 8: evaluated 4, rejected 0, outside its area and period 4;" in result.stderr
    for name in os.listdir(tmp_path / "1"):
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name
    single = run_main("report", "--rules", "lebanon-2024", "--events", str(ACLED), "--format", "json")
    assert single.stdout == (tmp_path / "1" / "lebanon-2024.json").read_text(encoding="utf-8")


def test_a_mapping_given_is_read_for_every_agreement(bundled_sets):
    shipped = str(resources.files("doha_compliance").joinpath("mappings/acled.yaml"))
    reports = dc.evaluate_many(bundled_sets, dc.read_events(ACLED, mapping=shipped), jobs=1)
    lebanon = reports["lebanon-2024"]
    # Afghanistan's mapping for Lebanese rows: every one at precision 1 is a `district`, no word of lebanon-2024
    assert lebanon.inputs.to_dict() == {"read": 8, "evaluated": 0, "rejected": 4, "after_as_of": 0, "outside": 4}
    assert {r.reason for r in lebanon.rejected} == {"unknown location kind 'district'"}


def test_an_export_row_is_mapped_once_per_mapping(bundled_sets):
    views, rows = dc.read_events(ACLED).each(bundled_sets)
    doha, lebanon, minsk = views
    assert doha.own == () and [fmt for fmt, _ in lebanon.own] == ["acled"] and [f for f, _ in minsk.own] == ["ucdp"]
    rows = list(rows)
    assert len(rows) == 8
    for as_doha, as_lebanon, as_minsk in rows:
        assert as_doha is as_minsk  # minsk-2 has no ACLED mapping: the shipped one's row, shared
        assert as_lebanon is not as_doha and as_lebanon.where == as_doha.where
        assert as_lebanon.data["id"] == as_doha.data["id"] and as_lebanon.data["country"] == as_doha.data["country"]
    assert rows[2][1].data["actor"] == "israel" and rows[2][0].data["actor"] == "other"
    assert lebanon.declared()[0].types == ("airstrike", "attack", "gunfire", "rocket_fire", "shelling")
    assert doha.declared()[0].types == ("airstrike", "attack")  # the shipped mapping's coverage


def test_ids_made_from_file_and_line_are_the_same_through_a_rule_sets_mapping(tmp_path):
    folder = tmp_path / "lebanon"
    shutil.copytree(ROOT / "rules" / "lebanon-2024", folder)
    mapping = folder / "mappings" / "acled.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace("  id: event_id_cnty\n", ""), encoding="utf-8")
    lebanon = dc.load_rules(folder)
    accepted, rejected, read = api.collect(lebanon, dc.read_events(ACLED).for_agreement(lebanon))
    assert [e.id for e in accepted if e.where.endswith((":4", ":7"))] == [
        "acled_three_agreements_shape.csv:4", "acled_three_agreements_shape.csv:7"]


def test_minsk_reads_ucdp_through_its_own_mapping(bundled_sets):
    doha, lebanon, minsk = bundled_sets
    accepted, rejected, read = api.collect(minsk, dc.read_events(UCDP).for_agreement(minsk))
    mine = {e.id: (e.type, e.actor, e.target, e.extra.get("side_a"), e.extra.get("side_b"))
            for e in accepted if e.id != "800004"}
    assert mine == {"800001": ("attack", "unknown", None, "ukraine", "dpr"),
                    "800002": ("attack", "unknown", None, "ukraine", "lpr"),
                    "800003": ("attack", "dpr", "other", None, None)}
    reports = dc.evaluate_many(bundled_sets, dc.read_events(UCDP), jobs=1)
    assert reports["minsk-2"].inputs.to_dict() == {"read": 4, "evaluated": 3, "rejected": 0, "after_as_of": 0,
                                                   "outside": 1}
    assert reports["minsk-2"].imports[0].actors == (("party", 1), ("other", 0), ("unknown", 0), ("undirected", 2))
    assert reports["doha-2020"].inputs.evaluated == 1  # the Afghan row, through the shipped mapping


def _copy_lebanon(tmp_path: Path) -> Path:
    folder = tmp_path / "lebanon"
    shutil.copytree(ROOT / "rules" / "lebanon-2024", folder)
    return folder


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_rules_check_refuses_a_rule_sets_mapping_with_words_its_agreement_lacks(tmp_path):
    folder = _copy_lebanon(tmp_path)
    mapping = folder / "mappings" / "acled.yaml"
    text = mapping.read_text(encoding="utf-8")
    text = text.replace("party: hezbollah}", "party: hizbollah}").replace("type: demolition}", "type: demolish}")
    mapping.write_text(text + "default_location_kind: district\n", encoding="utf-8")
    result = run_main("rules", "check", str(folder))
    assert result.returncode == 2
    where = f"{folder}/mappings/acled.yaml"
    assert (f"{where}:{_line_of(mapping, 'hizbollah')}: actors: party 'hizbollah' is not one of the agreement's "
            "parties (did you mean 'hezbollah'?)") in result.stderr
    entry = _line_of(mapping, '"Destruction of property"')  # the entry's first line (it spans two)
    assert f"{where}:{entry}: types: 'demolish' is not one of the agreement's event types" in result.stderr
    assert f"{where}:{_line_of(mapping, 'default_location_kind: district')}: default_location_kind: 'district' " \
        in result.stderr
    assert "Traceback" not in result.stderr


def test_rules_check_and_a_run_refuse_a_broken_rule_sets_mapping(tmp_path):
    folder = _copy_lebanon(tmp_path)
    mapping = folder / "mappings" / "acled.yaml"
    mapping.write_text(mapping.read_text(encoding="utf-8").replace('match: "^Hezbollah"', 'match: "^(Hezbollah"'),
                       encoding="utf-8")
    line = _line_of(mapping, "^(Hezbollah")
    result = run_main("rules", "check", str(folder))
    assert result.returncode == 2
    assert f"{folder}/mappings/acled.yaml:{line}: actors[" in result.stderr
    assert "is not a valid regular expression" in result.stderr
    run = run_main("report", "--rules", str(folder), "--events", str(ACLED))
    assert run.returncode == 2 and f"acled.yaml:{line}:" in run.stderr and "Traceback" not in run.stderr


def test_the_bundled_mappings_pass_rules_check():
    for name in ("lebanon-2024", "minsk-2"):
        result = run_main("rules", "check", name)
        assert result.returncode == 0, result.stderr


def test_on_dask_each_agreement_reads_its_own_mapping_too(bundled_sets):
    pytest.importorskip("distributed")
    from doha_compliance.fanout.on_dask import evaluate_on_dask
    from doha_compliance.fanout.options import Options
    plain = dc.evaluate_many(bundled_sets, dc.read_events(ACLED), jobs=1)
    # partitions of 3 rows: the Lebanese rows fall in two of them, each cut once per distinct reading
    on_dask = evaluate_on_dask(bundled_sets, dc.read_events(ACLED), Options(), "synchronous", partition_rows=3)
    assert list(on_dask) == list(plain)
    for name, report in on_dask.items():
        assert report.inputs == plain[name].inputs and report.imports == plain[name].imports, name
        assert [f.to_dict() for f in report.findings] == [f.to_dict() for f in plain[name].findings], name
        assert report.sources == plain[name].sources, name
    assert on_dask["lebanon-2024"].inputs.rejected == 0 and on_dask["lebanon-2024"].inputs.evaluated == 4


def test_a_report_never_overwrites_a_rule_sets_mapping(tmp_path):
    folder = _copy_lebanon(tmp_path)
    mapping = folder / "mappings" / "acled.yaml"
    before = mapping.read_bytes()
    result = run_main("report", "--rules", str(folder), "--events", str(ACLED), "--output", str(mapping))
    assert result.returncode == 2 and "is an input of this run" in result.stderr
    assert mapping.read_bytes() == before
