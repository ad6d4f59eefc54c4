"""Places on a map (issue 25; commitment-semantics.md §8): zones, the gazetteer, `in_zone`, `within_km`,
staged `places`. Every expectation is worked out by hand from the tiny map below, written as literals.

The map (GeoJSON positions are [longitude, latitude]):
- `north`: the square lon 0..1, lat 0..1 (a bare Polygon);
- `east`: the square lon 2..3, lat 0..1 (a Feature in a FeatureCollection);
- `west_of_line`: the line from (lon 10, lat 0) to (lon 10, lat 1), walked northwards, `side: left`:
  the band west of it, 50 km (the default depth) = 50 / 111.32 = 0.449 degrees deep. So lon 9.8 is
  in it, lon 10.2 (east of the line) and lon 9.0 (1 degree west, past the band) are not.
The gazetteer: Khiam is a point (lat 0.5, lon 0.5: inside `north`), Naqoura is the zone `east`,
Far is a point (lat 5, lon 5: in no zone).

The agreement is the invented SMALL one (parties red, blue, green; types attack, strike, level, claim,
note), signed 2020-01-01; D("01-05") is 2020-01-05. The judging tests run on both judges (`who`).
"""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import ev
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_commitments import D, judge, one, report, rule

import doha_compliance as dc
from doha_compliance.api import collect
from doha_compliance.intake.exports.importers import map_row
from doha_compliance.intake.exports.mapping_file import load_mapping
from doha_compliance.matching.durable.engine import durable_matches
from doha_compliance.reference.engine import reference_matches
from doha_compliance.reference.judge import pipeline_conclusions, reference_conclusions
from doha_compliance.testing import SMALL, validated_events
from doha_compliance.testing._rules import agreement_texts

ROOT = Path(__file__).resolve().parent.parent

NORTH = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}
EAST = {"type": "FeatureCollection", "features": [
    {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon",
                                                      "coordinates": [[[2, 0], [3, 0], [3, 1], [2, 1], [2, 0]]]}}]}
LINE = {"type": "LineString", "coordinates": [[10, 0], [10, 1]]}
ZONES_YAML = """  zones:
    north: {file: zones/north.geojson}
    east: {file: zones/east.geojson}
    west_of_line: {file: zones/line.geojson, side: left}
  gazetteer: {file: gazetteer.yaml}
"""
GAZETTEER = "Khiam: {latitude: 0.5, longitude: 0.5}\nNaqoura: [east]\nFar: {latitude: 5, longitude: 5}\n"


@pytest.fixture(params=["pipeline", "reference"])
def who(request):
    return request.param


def folder(tmp_path: Path, *rules: dict, zones: str = ZONES_YAML, files: dict = None) -> Path:
    """A rule folder on disk: the SMALL agreement with the map above, and the rules given."""
    texts = agreement_texts(list(rules), SMALL)
    (tmp_path / "zones").mkdir(exist_ok=True)
    (tmp_path / "agreement.yaml").write_text(texts["agreement.yaml"] + zones, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(texts["rules.yaml"], encoding="utf-8")
    given = {"zones/north.geojson": json.dumps(NORTH), "zones/east.geojson": json.dumps(EAST),
             "zones/line.geojson": json.dumps(LINE), "gazetteer.yaml": GAZETTEER, **(files or {})}
    for name, text in given.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def mapped(tmp_path: Path, *rules: dict) -> dc.Agreement:
    return dc.load_rules(folder(tmp_path, *rules))


NO_ATTACKS = rule("no_attacks", "red", "prohibited", when={"type": "attack", "actor": "$party", "in_zone": "north"})


# --- where intake puts an event ---------------------------------------------------------------------

def test_intake_places_each_event_once_from_coordinates_or_the_gazetteer(tmp_path):
    a = mapped(tmp_path, NO_ATTACKS)
    rows = [ev("pt", D("01-05"), "note", "red", latitude=0.5, longitude=0.5),
            ev("csv", D("01-05"), "note", "red", latitude="0.5", longitude="2.5"),  # a CSV cell: text
            ev("gz", D("01-05"), "note", "red", place="  KHIAM "),            # trimmed, without case
            ev("area", D("01-05"), "note", "red", place="naqoura"),           # a place given as zones
            ev("lost", D("01-05"), "note", "red", place="Atlantis"),
            ev("west", D("01-05"), "note", "red", latitude=0.5, longitude=9.8),
            ev("eastline", D("01-05"), "note", "red", latitude=0.5, longitude=10.2),
            ev("deep", D("01-05"), "note", "red", latitude=0.5, longitude=9.0)]
    got = {e.id: (e.extra.get("located_by"), e.extra.get("zones"), e.extra["in_zone:north"], e.extra.get("point"))
           for e in validated_events(a, rows)}
    assert got == {
        "pt": ("coordinates", ["north"], "in", [0.5, 0.5]),
        "csv": ("coordinates", ["east"], "out", [0.5, 2.5]),
        "gz": ("gazetteer", ["north"], "in", [0.5, 0.5]),
        "area": ("gazetteer", ["east"], "out", None),   # in `east` without a point
        "lost": ("unknown", None, "unknown", None),      # not outside: unknown
        "west": ("coordinates", ["west_of_line"], "out", [0.5, 9.8]),
        "eastline": ("coordinates", [], "out", [0.5, 10.2]),
        "deep": ("coordinates", [], "out", [0.5, 9.0]),
    }


@pytest.mark.parametrize("fields, field, phrase", [
    ({"latitude": 91, "longitude": 0}, "latitude", "from -90 to 90"),
    ({"latitude": 0, "longitude": -180.5}, "longitude", "from -180 to 180"),
    ({"latitude": "north", "longitude": 0}, "latitude", "a number of decimal degrees"),
    ({"latitude": 10}, "longitude", "latitude without longitude: give both coordinates or neither"),
    ({"longitude": 10, "latitude": ""}, "latitude", "longitude without latitude"),
])
def test_a_bad_coordinate_rejects_the_row_with_its_field(tmp_path, fields, field, phrase):
    (rejected,) = collect(mapped(tmp_path, NO_ATTACKS), [ev("x", D("01-05"), "note", "red", **fields)])[1]
    assert rejected.field == field and phrase in rejected.reason, rejected


def test_what_a_row_says_under_the_tools_own_names_is_replaced(tmp_path):
    said = {"in_zone:north": "in", "located_by": "coordinates", "zones": ["north"]}
    rows = [ev("x", D("01-05"), "note", "red", **said)]
    (e,) = validated_events(mapped(tmp_path, NO_ATTACKS), rows)
    assert (e.extra["in_zone:north"], e.extra["located_by"], e.extra["zones"] is None) == ("unknown", "unknown", True)


def test_a_bad_coordinate_is_refused_even_where_the_agreement_has_no_zones():
    a = dc.load_rules_from_texts(agreement_texts([rule("no_attacks", "red", "prohibited", when={"type": "attack"})]))
    assert a.zones == {} and a.gazetteer == {}
    events, rejected, _ = collect(a, [ev("x", D("01-05"), "note", "red", latitude=0, longitude=181),
                                      ev("y", D("01-05"), "note", "red", latitude=1, longitude=2)])
    assert [(r.id, r.field) for r in rejected] == [("x", "longitude")]
    assert dict(events[0].extra) == {"latitude": 1, "longitude": 2}  # kept as given: nothing to place it in


def test_an_acled_row_maps_its_coordinates_and_is_placed(tmp_path):
    a = mapped(tmp_path, NO_ATTACKS)
    mapping = load_mapping("acled")  # the shipped mapping
    header = (ROOT / "tests/data/acled_2022_shape.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    values = ["TST9", "2020-01-05", "2020", "1", "Political violence", "Battles", "Armed clash", "Taliban", "", "2",
              "", "", "", "", "", "4", "Middle East", "Lebanon", "South", "Marjayoun", "", "Khiam", "0.25", "0.75",
              "1", "Sample", "National", "Written for the tests", "0", "", "1700000000"]
    row, problem, _ = map_row(dict(zip(header, values)), mapping)
    assert problem is None and (row["latitude"], row["longitude"]) == ("0.25", "0.75")
    row.update(type="attack", actor="red")  # the SMALL vocabulary (ACLED's names map to Doha's parties)
    row.pop("location_kind")
    (e,) = validated_events(a, [row])
    assert (e.extra["located_by"], e.extra["zones"], e.extra["point"]) == ("coordinates", ["north"], [0.25, 0.75])



def test_a_ucdp_row_maps_its_coordinates_and_an_empty_cell_leaves_the_place_to_the_gazetteer(tmp_path):
    import csv
    a = mapped(tmp_path, NO_ATTACKS)
    with open(ROOT / "tests/data/ucdp_ged_shape.csv", encoding="utf-8", newline="") as fh:
        raw = next(csv.DictReader(fh))
    raw.update(date_start="2020-01-05 00:00:00.000", latitude="0.5", longitude="2.5")  # UCDP's own columns
    row, problem, _ = map_row(raw, load_mapping("ucdp"))
    assert problem is None and (row["latitude"], row["longitude"]) == ("0.5", "2.5")
    raw.update(latitude="", longitude="")
    blank, _, _ = map_row(raw, load_mapping("ucdp"))
    assert "latitude" not in blank and "longitude" not in blank  # an empty cell is no coordinate
    for r in (row, blank):
        r.update(type="attack", actor="red", target="blue", place="Khiam")
        r.pop("location_kind", None)
    got = [(e.extra["located_by"], e.extra["zones"]) for e in validated_events(a, [row, blank | {"id": "other"}])]
    assert got == [("coordinates", ["east"]), ("gazetteer", ["north"])]  # coordinates win over the place


# --- in_zone ----------------------------------------------------------------------------------------

def test_in_zone_judges_acts_in_the_zone_and_an_unknown_location_is_unresolved(tmp_path, who):
    a = mapped(tmp_path, NO_ATTACKS)
    rows = [ev("in", D("01-05"), "attack", "red", latitude=0.5, longitude=0.5),     # in north: violation
            ev("out", D("01-06"), "attack", "red", latitude=0.5, longitude=2.5),    # in east: not judged
            ev("gz", D("01-07"), "attack", "red", place="khiam"),                   # gazetteer point in north
            ev("lost", D("01-08"), "attack", "red", place="Atlantis"),              # location unknown
            ev("lostnote", D("01-08"), "note", "red")]                              # unknown, but not an attack
    c = judge(who, a, rows, D("01-20"))
    got = sorted((f["status"], tuple(f["evidence"])) for f in c["findings"] if f["rule"] == "no_attacks")
    assert got == [("unresolved", ("lost",)), ("violation", ("gz",)), ("violation", ("in",))]
    if who == "pipeline":
        (f,) = [x for x in report(a, rows, D("01-20")).findings if x.status == "unresolved"]
        assert "location unknown" in f.reason and "only in north" in f.reason


def test_in_zone_with_a_list_is_any_of_the_zones(tmp_path, who):
    either = rule("no_attacks", "red", "prohibited", when={"type": "attack", "actor": "$party",
                                                           "in_zone": ["north", "east"]})
    rows = [ev("n", D("01-05"), "attack", "red", latitude=0.5, longitude=0.5),
            ev("e", D("01-06"), "attack", "red", place="Naqoura"),  # a gazetteer place given as zones
            ev("far", D("01-07"), "attack", "red", place="Far")]     # a point in no zone
    got = sorted(tuple(f["evidence"]) for f in judge(who, mapped(tmp_path, either), rows, D("01-20"))["findings"]
                 if f["status"] == "violation")
    assert got == [("e",), ("n",)]


def test_an_unknown_location_does_not_meet_a_part_or_justify(tmp_path, who):
    # the act is known to be in north; its only justifier is of unknown location: it justifies nothing
    strikes = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "attack", "target": "$party", "in_zone": "north"}, "within_days": 2})
    rows = [ev("j", D("01-04"), "attack", "red", target="blue"),
            ev("s", D("01-05"), "strike", "blue", latitude=0.5, longitude=0.5)]
    assert one(judge(who, mapped(tmp_path, strikes), rows, D("01-20")), "strikes", "blue")["status"] == "violation"


def test_a_zone_name_the_agreement_does_not_declare_is_refused(tmp_path):
    typo = rule("no_attacks", "red", "prohibited", when={"type": "attack", "in_zone": "nort"})
    with pytest.raises(dc.RuleSetError) as err:
        mapped(tmp_path, typo)
    assert "zone 'nort' is not declared in agreement.yaml (did you mean 'north'?)" in str(err.value)


# --- within_km --------------------------------------------------------------------------------------

# 0.05 degree of longitude at latitude 0.5 is 0.05 * 111.19 * cos(0.5 deg) = 5.56 km; 0.2 degree is 22.2 km
STRIKES_NEAR = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                    justified_by={"when": {"type": "attack", "target": "$party"}, "within_days": 2, "within_km": 10})


@pytest.mark.parametrize("act, status", [
    ({"latitude": 0.5, "longitude": 0.55}, "justified"),   # 5.6 km from the attack
    ({"latitude": 0.5, "longitude": 0.7}, "violation"),    # 22 km: too far
    ({}, "violation"),                                     # no point: the pair is not made
    ({"place": "khiam"}, "justified"),                     # the gazetteer's point is the attack's: 0 km
])
def test_within_km_pairs_only_a_justifier_near_the_act(tmp_path, who, act, status):
    rows = [ev("j", D("01-04"), "attack", "red", target="blue", latitude=0.5, longitude=0.5),
            ev("s", D("01-05"), "strike", "blue", **act)]
    assert one(judge(who, mapped(tmp_path, STRIKES_NEAR), rows, D("01-20")), "strikes", "blue")["status"] == status


@pytest.mark.parametrize("place, status", [("Barghouz", "justified"), (" barghouz ", "justified"), ("Jbaa", "violation"),
                                           (None, "violation")])
def test_without_points_only_the_same_named_place_is_near(who, place, status):
    """A launcher known only by its village and the strike on it there: 0 km apart, whatever the map
    lacks; another village, or no place, is not near (§8.3). Reasoned by hand: the attack on blue at
    Barghouz on 01-04 lies within the 2-day window of the strike on 01-05; only the place decides."""
    a = dc.load_rules_from_texts(agreement_texts([STRIKES_NEAR], SMALL))  # no zones, no gazetteer: no points
    where = {"place": place} if place else {}
    rows = [ev("j", D("01-04"), "attack", "red", target="blue", place="Barghouz"),
            ev("s", D("01-05"), "strike", "blue", **where)]
    assert one(judge(who, a, rows, D("01-20")), "strikes", "blue")["status"] == status


def test_within_km_needs_no_zones_and_says_when_the_distance_could_not_be_checked(who):
    a = dc.load_rules_from_texts(agreement_texts([STRIKES_NEAR], SMALL))  # no zones, no gazetteer
    rows = [ev("j", D("01-04"), "attack", "red", target="blue", latitude=0.5, longitude=0.5),
            ev("near", D("01-05"), "strike", "blue", latitude=0.5, longitude=0.55),
            ev("blind", D("01-05"), "strike", "blue")]
    got = sorted((f["status"], f["evidence"][0]) for f in judge(who, a, rows, D("01-20"))["findings"])
    assert got == [("justified", "near"), ("violation", "blind")]
    if who == "pipeline":
        reasons = {f.evidence[0]: f.reason for f in report(a, rows, D("01-20")).findings}
        assert "within 10 km" in reasons["near"]
        assert "the act has no coordinates or gazetteer point: only an event at its named place could be near it" \
            in reasons["blind"]


# --- places -----------------------------------------------------------------------------------------

HANDOVER = rule("handover", "red", "deadline", due="2020-01-10",
                fulfilled_by={"when": {"type": "note", "actor": "$party"}, "places": ["Khiam", "Naqoura", "Far"]})


def test_a_part_met_place_by_place_counts_n_of_n_places(tmp_path, who):
    a = mapped(tmp_path, HANDOVER)
    assert [f.label for f in a.rules[0].fulfilments] == ["Khiam", "Naqoura", "Far"]
    rows = [ev("k", D("01-03"), "note", "red", place="khiam"),                   # at Khiam by name
            ev("q", D("01-04"), "note", "red", latitude=0.5, longitude=2.5),     # in `east`: Naqoura's zone
            ev("b", D("01-04"), "note", "blue", place="Far")]                    # blue's note: not red's part
    pending = one(judge(who, a, rows, D("01-08")), "handover", "red")
    assert (pending["status"], pending["parts_met"], pending["parts_total"]) == ("pending", 2, 3)
    late = one(judge(who, a, rows + [ev("f", D("01-12"), "note", "red", place="Far")], D("01-20")), "handover", "red")
    assert (late["status"], late["parts_met"], late["parts_total"]) == ("violation", 3, 3)  # the last one late
    if who == "pipeline":
        (f,) = report(a, rows, D("01-20")).findings
        assert (f.status, f.parts_met, f.parts_total) == ("violation", 2, 3) and "Far" in f.reason


def test_a_staged_place_must_be_in_the_gazetteer(tmp_path):
    bad = rule("handover", "red", "deadline", due="2020-01-10",
               fulfilled_by={"when": {"type": "note"}, "places": ["Khaim"]})
    with pytest.raises(dc.RuleSetError) as err:
        mapped(tmp_path, bad)
    assert "place 'Khaim': it is not in the gazetteer" in str(err.value) and "did you mean 'Khiam'" in str(err.value)


# --- a hostile rule folder --------------------------------------------------------------------------

@pytest.mark.parametrize("zones, files, phrase", [
    ("  zones:\n    x: {file: ../outside.geojson}\n", {}, "a path inside the rule folder (no absolute path, no '..')"),
    ("  zones:\n    x: {file: /etc/passwd}\n", {}, "no absolute path"),
    ("  zones:\n    x: {file: zones/missing.geojson}\n", {}, "no such file in the rule folder"),
    ("  zones:\n    x: {file: zones/bad.geojson}\n", {"zones/bad.geojson": "{not json"}, "not valid JSON"),
    ("  zones:\n    x: {file: zones/line.geojson}\n", {}, "a LineString zone needs `side: left` or `side: right`"),
    ("  zones:\n    x: {file: zones/north.geojson, side: left}\n", {}, "`side` is for a zone drawn as a line"),
    ("  zones:\n    x: {file: zones/pt.geojson}\n", {"zones/pt.geojson": '{"type": "Point", "coordinates": [0, 0]}'},
     "GeoJSON type 'Point'"),
    ("  zones:\n    x: {file: zones/far.geojson}\n",
     {"zones/far.geojson": '{"type": "Polygon", "coordinates": [[[0, 0], [200, 0], [1, 1], [0, 0]]]}'},
     "is not a longitude and latitude"),
    ("  zones:\n    x: {file: zones/bow.geojson}\n",  # a bow tie: its ring crosses itself
     {"zones/bow.geojson": '{"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}'},
     "invalid polygon"),
    ("  gazetteer: {file: gazetteer.yaml}\n", {"gazetteer.yaml": "Khiam: [nowhere]\n"},
     "zone 'nowhere' is not one of the agreement's zones"),
    ("  gazetteer: {file: gazetteer.yaml}\n", {"gazetteer.yaml": "Khiam: {latitude: 100, longitude: 0}\n"},
     "latitude must be a number from -90 to 90"),
    ("  gazetteer: {file: gazetteer.yaml}\n",
     {"gazetteer.yaml": "Khiam: {latitude: 1, longitude: 1}\nkhiam: {latitude: 1, longitude: 1}\n"}, "listed twice"),
    ("  gazetteer: {file: gazetteer.yaml}\n",
     {"gazetteer.yaml": "Khiam: {latitude: 1, longitude: 1, zones: [north]}\n"}, "with an optional source and note"),
    ("  gazetteer: {file: gazetteer.yaml}\n",
     {"gazetteer.yaml": "Khiam: {latitude: 1, longitude: 1, source: 7}\n"}, "source is text, got 7"),
])
def test_a_bad_zone_or_gazetteer_file_is_refused_in_one_line(tmp_path, zones, files, phrase):
    (tmp_path.parent / "outside.geojson").write_text(json.dumps(NORTH), encoding="utf-8")
    with pytest.raises(dc.RuleSetError) as err:
        dc.load_rules(folder(tmp_path, NO_ATTACKS | {"when": {"type": "attack"}}, zones=zones, files=files))
    message = str(err.value)
    assert phrase in message and "agreement.yaml" in message, message


def test_a_zone_file_linked_from_outside_or_too_large_is_refused(tmp_path, monkeypatch):
    outside = tmp_path.parent / "secret.geojson"
    outside.write_text(json.dumps(NORTH), encoding="utf-8")
    rules = folder(tmp_path, NO_ATTACKS | {"when": {"type": "attack"}},
                   zones="  zones:\n    x: {file: zones/link.geojson}\n")
    (rules / "zones/link.geojson").symlink_to(outside)
    with pytest.raises(dc.RuleSetError) as err:
        dc.load_rules(rules)
    assert "a link to a file outside the rule folder; refused" in str(err.value)
    (rules / "zones/link.geojson").unlink()
    many = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]] * 3}
    (rules / "zones/link.geojson").write_text(json.dumps(many), encoding="utf-8")
    import doha_compliance.rules.zones as zones
    monkeypatch.setattr(zones, "MAX_ZONE_VERTICES", 10)  # 15 points: over
    with pytest.raises(dc.RuleSetError) as err:
        dc.load_rules(rules)
    assert "over 10 points; refused (simplify the geometry)" in str(err.value)


def test_zone_files_join_the_rule_sets_hash(tmp_path):
    first = mapped(tmp_path, NO_ATTACKS).source.sha256
    (tmp_path / "zones/north.geojson").write_text(json.dumps(NORTH) + " ", encoding="utf-8")
    assert dc.load_rules(tmp_path).source.sha256 != first


# --- both judges, both matchers, on drawn records ---------------------------------------------------

ZONED = rule("zoned", "red", "conditional", when={"type": "attack", "actor": "$party", "in_zone": ["north", "east"]},
             justified_by={"when": {"type": "strike", "target": "$party", "in_zone": "north"}, "within_days": 1,
                           "within_km": 60})
# where a drawn event may be: in north, at its edge, in east, between them, near the line, a gazetteer
# place (a point, an area, one in no zone), a place the gazetteer lacks, nowhere
WHERE = st.sampled_from([{"latitude": 0.5, "longitude": 0.5}, {"latitude": 0.5, "longitude": 1.0},
                         {"latitude": 0.2, "longitude": 2.7}, {"latitude": 0.5, "longitude": 1.5},
                         {"latitude": 0.5, "longitude": 9.8}, {"place": "Khiam"}, {"place": "naqoura"},
                         {"place": "Far"}, {"place": "Atlantis"}, {}])
ROWS = st.lists(st.tuples(st.integers(1, 6), st.sampled_from(["attack", "strike", "note"]),
                          st.sampled_from(["red", "blue", "unknown"]), st.sampled_from([None, "red", "blue"]), WHERE),
                max_size=8)


@pytest.fixture(scope="module")
def drawn_agreement(tmp_path_factory):
    return mapped(tmp_path_factory.mktemp("zones"), ZONED, NO_ATTACKS | {"id": "no_attacks", "party": "blue"},
                  HANDOVER, STRIKES_NEAR)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drawn=ROWS)
def test_both_matchers_and_both_judges_agree_on_places(drawn_agreement, drawn):
    a = drawn_agreement
    rows = [ev(f"e{i}", D(f"01-0{day}"), type_, actor, **({"target": target} if target else {}), **where)
            for i, (day, type_, actor, target, where) in enumerate(drawn)]
    events = validated_events(a, rows)
    day = dt.date(2020, 1, 20)
    in_scope = sorted(events, key=lambda e: e.sort_key)
    reference = reference_matches(a, in_scope).canonical()
    assert durable_matches(a, in_scope, decider="python").canonical() == reference
    assert pipeline_conclusions(dc.evaluate(a, events, as_of=day)) == reference_conclusions(a, events, day, ())


def test_explain_says_where_an_event_lies_and_what_a_place_part_and_a_distance_ask(tmp_path):
    a = mapped(tmp_path, HANDOVER, STRIKES_NEAR)
    rows = [ev("k", D("01-03"), "note", "red", place="khiam"),
            ev("j", D("01-04"), "attack", "red", target="blue", latitude=0.5, longitude=0.5),
            ev("s", D("01-05"), "strike", "blue", latitude=0.5, longitude=0.55)]
    r = report(a, rows, D("01-20"))
    handover = dc.explain(r, "handover/red/2020-01-10")
    assert "Naqoura: an event matching {actor: $party, type: note}, at Naqoura" in handover
    assert "where: 0.5, 0.5 (from its place, by the gazetteer): north" in handover
    strike = dc.explain(r, "strikes/blue/s")
    assert "within 2 days before, within 10 km of the act" in strike
    assert "where: 0.5, 0.55 (from its coordinates): north" in strike



def test_a_gazetteer_point_may_name_its_source_and_a_note(tmp_path):
    """Provenance sits beside the coordinate it vouches for (issue 25's record cites a page per point);
    it changes nothing about where the place is."""
    agreement = dc.load_rules(folder(tmp_path, NO_ATTACKS | {"when": {"type": "attack"}},
                                     zones="  gazetteer: {file: gazetteer.yaml}\n",
                                     files={"gazetteer.yaml": "Khiam: {latitude: 1.5, longitude: 2, "
                                            "source: 'a page, 1.5 2', note: 'unverified: approximate'}\n"}))
    assert agreement.gazetteer["khiam"].point == (1.5, 2.0)


# --- within_km: justifiers grouped by where they are (issue 27: one distance a group) -----------------

def test_within_km_an_act_never_justifies_itself_and_a_twin_at_its_point_does(who):
    """A strike justified by a strike within 10 km (the act's own type): a lone strike is filed among its
    day's justifiers but is not its own justification (violation); two strikes at one point on one day
    justify each other (0 km apart). Reasoned by hand: same point, same day, within_days 2."""
    strikes = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "strike"}, "within_days": 2, "within_km": 10})
    a = dc.load_rules_from_texts(agreement_texts([strikes], SMALL))
    here = {"latitude": 0.5, "longitude": 0.5}
    alone = judge(who, a, [ev("s1", D("01-05"), "strike", "blue", **here)], D("01-20"))
    assert one(alone, "strikes", "blue")["status"] == "violation"
    twins = judge(who, a, [ev("s1", D("01-05"), "strike", "blue", **here),
                           ev("s2", D("01-05"), "strike", "blue", **here)], D("01-20"))
    assert sorted((f["evidence"][0], f["status"]) for f in twins["findings"]) == [("s1", "justified"),
                                                                                  ("s2", "justified")]


@pytest.mark.parametrize("attack_time, status", [("08:00", "justified"), ("12:00", "violation")])
def test_within_km_a_same_day_justifier_after_the_act_does_not_count(who, attack_time, status):
    """Both give a time of day: an attack at the strike's point at 08:00 came before the strike at 10:00
    (justified); at 12:00 it came after (violation: nothing else near in the window)."""
    a = dc.load_rules_from_texts(agreement_texts([STRIKES_NEAR], SMALL))
    here = {"latitude": 0.5, "longitude": 0.5}
    rows = [ev("j", D("01-05"), "attack", "red", target="blue", time=attack_time, **here),
            ev("s", D("01-05"), "strike", "blue", time="10:00", **here)]
    assert one(judge(who, a, rows, D("01-20")), "strikes", "blue")["status"] == status


def test_within_km_cites_the_latest_near_justifiers_and_counts_the_rest():
    """Five near attacks at two points (0 and 5.6 km from the strike) over five days, one far (22 km), and
    one at the strike's point after it on its day: the finding counts the five near ones before it and
    cites the latest three (MAX_JUSTIFIERS), in date order, whichever point each came from."""
    a = dc.load_rules_from_texts(agreement_texts([STRIKES_NEAR], SMALL))
    at = {"A": {"latitude": 0.5, "longitude": 0.5}, "B": {"latitude": 0.5, "longitude": 0.55},
          "far": {"latitude": 0.5, "longitude": 0.7}}
    rows = [ev("a1", D("01-01"), "attack", "red", target="blue", **at["A"]),
            ev("a2", D("01-02"), "attack", "red", target="blue", **at["B"]),
            ev("a3", D("01-03"), "attack", "red", target="blue", **at["A"]),
            ev("a4", D("01-04"), "attack", "red", target="blue", **at["B"]),
            ev("x", D("01-04"), "attack", "red", target="blue", **at["far"]),
            ev("a5", D("01-05"), "attack", "red", target="blue", time="09:00", **at["A"]),
            ev("late", D("01-05"), "attack", "red", target="blue", time="11:00", **at["A"]),
            ev("s", D("01-05"), "strike", "blue", time="10:00", **at["A"])]
    # the window is 2 days: 01-03 to 01-05, so a1 and a2 have left it: near and in time are a3, a4, a5
    f = next(f for f in report(a, rows, D("01-20")).findings if f.evidence[0] == "s")
    assert f.status == "justified" and f.evidence == ("s", "a3", "a4", "a5")
    assert "(" not in f.reason.split("window of strikes")[1]  # three in the window, three cited: no count said
    rows += [ev("a6", D("01-04"), "attack", "red", target="blue", **at["A"])]  # a fourth near one in the window
    f = next(f for f in report(a, rows, D("01-20")).findings if f.evidence[0] == "s")
    assert f.evidence == ("s", "a4", "a6", "a5")  # a3, the oldest of the four, is counted, not cited
    assert "(4 justifying events in the window; the latest 3 cited)" in f.reason


def test_within_km_a_strike_justified_by_strikes_does_not_count_itself():
    """Four strikes at one point on one day, each justified by another strike within 10 km: each finding
    counts the three others (not itself) and cites them all."""
    strikes = rule("strikes", "blue", "conditional", when={"type": "strike", "actor": "$party"},
                   justified_by={"when": {"type": "strike"}, "within_days": 2, "within_km": 10})
    a = dc.load_rules_from_texts(agreement_texts([strikes], SMALL))
    rows = [ev(f"s{i}", D("01-05"), "strike", "blue", latitude=0.5, longitude=0.5) for i in range(1, 5)]
    for f in report(a, rows, D("01-20")).findings:
        assert f.status == "justified" and len(f.evidence) == 4, f
        assert "justifying events in the window" not in f.reason  # 3 counted, 3 cited
