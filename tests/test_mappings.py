"""Mapping files and gazetteers are checked like rule files; `mapping check`; the reserved ids
`unknown` and `other`; the import summary every report carries."""
from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import doha_compliance as dc
from doha_compliance.errors import InputFileError, RuleSetError
from doha_compliance.intake.exports.gazetteer import load_gazetteer, normal
from doha_compliance.intake.exports.importers import load_mapping
from doha_compliance.rules.loader import load_rules_from_texts
from conftest import RULES, ROOT, ev, run_cli, run_main

DATA = Path("tests/data")
SHIPPED = Path("src/doha_compliance/mappings/acled.yaml")


def mapping_with(tmp_path, text: str, name: str = "m.yaml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


BASE = """format: acled
columns: {id: event_id_cnty, date: event_date, actor: actor1, target: actor2, province: admin1, place: location}
actors:
  - {match: "^Taliban", party: taliban}
types:
  - {event_type: Battles, type: attack}
"""


# --- mapping files -----------------------------------------------------------------------------

def test_every_problem_of_a_mapping_at_once_with_lines(tmp_path):
    text = BASE.replace("types:", "colour: blue\ntypes:").replace('{match: "^Taliban", party: taliban}',
                                                                   '{match: "^Taliban(", party: taliban, form: 2021-08-15}')
    text = text.replace("place: location}", "place: [location, admin2]}")
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", mapping_with(tmp_path, text))
    message = str(caught.value)
    assert "(4 problems)" in message
    assert "m.yaml:5: colour: unknown key 'colour' (did you mean 'columns'?); allowed: format, columns, type_columns" in message
    assert "m.yaml:4: actors[1]: unknown key 'form' (did you mean 'from'?); allowed: match, party, from, until, role, when" in message
    assert "m.yaml:4: actors[1].match: '^Taliban(' is not a valid regular expression: missing )" in message
    assert "m.yaml:2: columns.place: one column name, not a list (['location', 'admin2'])" in message


def test_mapping_needs_its_date_and_actor_columns(tmp_path):
    with pytest.raises(InputFileError, match="columns: 'actor' is required"):
        load_mapping("acled", mapping_with(tmp_path, BASE.replace(" actor: actor1,", "")))


def test_old_provincial_capitals_key_says_what_replaced_it(tmp_path):
    with pytest.raises(InputFileError, match="capitals now come from a gazetteer"):
        load_mapping("acled", mapping_with(tmp_path, BASE + "provincial_capitals: [Kabul]\n"))


def test_conditions_and_dates_are_checked(tmp_path):
    text = BASE.replace('party: taliban}', 'party: taliban, until: 2021-02-30, when: {inter1: {regex: "x"}}, role: both}')
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", mapping_with(tmp_path, text))
    message = str(caught.value)
    assert "actors[1].until: '2021-02-30' is not a date written YYYY-MM-DD" in message
    assert "actors[1].when.inter1: a condition is a value, a list of values, or {match: regular expression}" in message
    assert "actors[1].role: 'both' is not one of actor, target" in message


def test_shipped_mappings_load():
    for fmt in ("acled", "ucdp"):
        mapping = load_mapping(fmt)
        assert mapping.format == fmt and mapping.gazetteer is not None and len(mapping.gazetteer.capitals) == 34


# --- gazetteers --------------------------------------------------------------------------------

def test_the_gazetteer_has_34_provinces_and_keys_spellings_by_province():
    gazetteer = load_gazetteer()
    assert len(gazetteer.capitals) == 34
    assert gazetteer.province("Hilmand province") == "Helmand" and gazetteer.province("Sari Pul") == "Sar-e Pol"
    assert gazetteer.is_capital_name("Balkh", "Mazar-e-Sharif") and gazetteer.is_capital_name("Balkh", "Mazar-e Sharif")
    assert gazetteer.is_capital_name("Badakhshan", "Fayzabad") and not gazetteer.is_capital_name("Jowzjan", "Fayzabad")
    assert not gazetteer.is_capital_name("Kandahar", "Talukan") and not gazetteer.is_capital_name("Kandahar", "Kandahar Air Base")
    assert gazetteer.names_capital("Takhar", "Taloqan city, the capital of northern Takhar province")
    assert gazetteer.names_capital("Kabul", "Kabul city’s Fifth Police District")
    assert not gazetteer.names_capital("Kandahar", "Ta Wala area, Shah Wali Kot district, Kandahar province")
    assert not gazetteer.names_capital("Ghazni", "Ghazni")            # the province's name alone: not the city
    assert not gazetteer.names_capital("Badghis", "Qala i Naw (20 kilometres north of)")
    assert normal("Qala-I- Naw") == "qala i naw"


def test_a_mapping_can_name_its_own_gazetteer(doha, tmp_path):
    (tmp_path / "tiny.gazetteer.yaml").write_text(
        "country: Afghanistan\nprecision: {acled: 1}\nprovinces:\n  Helmand: {names: [Hilmand], spellings: [Nad Ali]}\n",
        encoding="utf-8")
    text = SHIPPED.read_text(encoding="utf-8") + "gazetteer: tiny.gazetteer.yaml\n"
    mapping = mapping_with(tmp_path, text)
    rows = {e.id: e for e in dc.api.collect(doha, dc.read_events(DATA / "acled_2022_shape.csv", mapping=mapping))[0]}
    assert rows["TST1008"].location_kind is None                    # Nad Ali at geo_precision 2 > 1
    assert rows["TST1005"].location_kind == "district"              # Baghlan is not in this gazetteer
    rows = {e.id: e for e in dc.api.collect(doha, dc.read_events(DATA / "acled_2020_2021_shape.csv", mapping=mapping))[0]}
    assert rows["TST2002"].location_kind == "district"              # Lashkargah is no capital here


def test_a_broken_gazetteer_is_refused_with_its_lines(tmp_path):
    (tmp_path / "bad.gazetteer.yaml").write_text("provinces:\n  A: {names: [X], spellings: []}\n  B: {names: [x]}\nextra: 1\n",
                                                 encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", mapping_with(tmp_path, BASE + "gazetteer: bad.gazetteer.yaml\n"))
    message = str(caught.value)
    assert "bad.gazetteer.yaml:4: extra: unknown key" in message
    assert "A: 'names' and 'spellings' are lists of names" in message and "B: needs 'spellings'" in message


# --- reserved ids ------------------------------------------------------------------------------

def test_unknown_and_other_are_accepted_in_any_event_file(doha):
    report = dc.evaluate(doha, [ev("a", "2020-06-01", "attack", "unknown", target="other", location_kind="provincial_capital"),
                                ev("b", "2020-06-02", "other", "other"), ev("c", "2020-06-03", "attack", "taliban", target="unknown")])
    assert report.inputs.rejected == 0
    assert [f.evidence for f in report.findings if f.rule == "violence.reduction" and f.evidence] == []
    assert report.imports[0].to_dict()["actors"] == {"party": 1, "other": 1, "unknown": 1, "undirected": 0}
    assert report.imports[0].other_type == 1


def test_no_rule_can_be_owed_by_unknown_or_other():
    agreement = (ROOT / RULES / "agreement.yaml").read_text(encoding="utf-8")
    rule = ("rules:\n  - {id: x, party: unknown, title: t, source: s, basis: reported, kind: prohibited, "
            "when: {type: attack, actor: unknown}}\n")
    with pytest.raises(RuleSetError) as caught:
        load_rules_from_texts({"agreement.yaml": agreement, "x.yaml": rule})
    assert len(caught.value.errors) == 1
    assert "'unknown' is reserved" in str(caught.value.errors[0])


# --- import summary ----------------------------------------------------------------------------

def test_every_report_counts_rows_by_mapping_outcome(doha):
    paths = [DATA / "acled_2022_shape.csv", DATA / "ucdp_ged_shape.csv", Path("examples/oct2020/events.yaml")]
    report = dc.evaluate(doha, dc.read_events(*paths))
    data = json.loads(report.to_json())
    schema = json.loads((ROOT / "src/doha_compliance/schemas/report.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    imports = {i["file"]: i for i in data["imports"]}
    assert list(imports) == [str(p) for p in paths]
    acled = imports[str(paths[0])]
    # 14 evaluated (3 rejected): TST1001-1003, 1010 unknown; 1013 other (Pakistan); 9 a party
    assert acled == {"file": str(paths[0]), "format": "acled", "evaluated": 14, "other_type": 3,
                     "actors": {"party": 9, "other": 1, "unknown": 4, "undirected": 0}}
    assert imports[str(paths[1])]["actors"] == {"party": 5, "other": 0, "unknown": 0, "undirected": 3}
    assert imports[str(paths[2])]["format"] == "yaml" and imports[str(paths[2])]["actors"]["party"] == 11 \
        and imports[str(paths[2])]["actors"]["unknown"] == 1  # the Ghor car bomb: blamed, unclaimed
    assert sum(i["evaluated"] for i in data["imports"]) == data["inputs"]["evaluated"]
    from doha_compliance.renderers.html import render_html
    from doha_compliance.renderers.md import render_md
    from doha_compliance.renderers.text import render_text
    assert "Rows by mapping outcome" in render_text(report) and "| `ucdp_ged_shape.csv` | ucdp | 8 | 5 | 0 | 0 | 3 | 0 |" in render_md(report)
    assert 'id="imports"' in render_html(report)


# --- mapping check -----------------------------------------------------------------------------

def test_mapping_check_lists_every_name_with_its_outcome():
    result = run_main("mapping", "check", str(DATA / "acled_2022_shape.csv"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    actors = {(a["name"], a["party"]): a["rows"] for a in data["actors"]}
    assert actors[("Taliban", "taliban")] == 8        # TST1004-1010 and 1015 (1014's date cannot be read)
    assert actors[("National Resistance Front", "other")] == 3      # TST1011, 1015, 1016
    assert actors[("Military Forces of Afghanistan (2021-)", "taliban")] == 1
    assert actors[("Military Forces of Afghanistan (2021-)", "unknown")] == 1    # dated before the takeover
    assert actors[("Protesters (Afghanistan)", "unknown")] == 1
    assert data["malformed"] == 3                                    # a bad date, a bad count, no actor1
    pattern = next(a["pattern"] for a in data["actors"] if a["name"] == "National Resistance Front")
    assert pattern is None
    types = {t["name"]: t["type"] for t in data["event_types"]}
    assert types["Strategic developments: Agreement"] == "other" and types["Explosions/Remote violence: Air/drone strike"] == "airstrike"
    again = run_cli("mapping", "check", str(DATA / "acled_2022_shape.csv"), "--format", "json")
    assert again.stdout == result.stdout  # a fresh process says the same


def test_mapping_check_text_and_ucdp():
    result = run_main("mapping", "check", str(DATA / "ucdp_ged_shape.csv"))
    assert result.returncode == 0, result.stderr
    assert "Government of Afghanistan" in result.stdout and "clash (undirected: no actor, both sides kept)" in result.stdout
    assert "1 rows are malformed" in result.stdout   # best 'n/a'
    assert "| " not in result.stdout


def test_mapping_check_on_an_unknown_header_is_one_error():
    result = run_main("mapping", "check", str(DATA / "acled_2019_extract_shape.csv"))
    assert result.returncode == 2 and "neither ACLED's nor UCDP's" in result.stderr
    result = run_main("mapping", "check", str(DATA / "acled_2019_extract_shape.csv"),
                      "--mapping", str(DATA / "conflict-elections.mapping.yaml"), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {(a["name"], a["party"]) for a in data["actors"]} >= {("Taliban", "taliban"),
                                                                   ("Taliban and/or Islamic State (Afghanistan)", "unknown")}
