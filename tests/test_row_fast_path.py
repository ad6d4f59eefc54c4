"""The common row's short cut (issue 27: `validate._plain_event`) decides nothing of its own: every
row it takes gives the Event the full check gives, and every row it declines goes to the full
check, so rejections keep their field, reason and order.

A law over rows of the contract's fields with values near the edges (words the agreement spells
otherwise, counts out of range or not whole, text with spaces, non-ASCII text, dates that are not
YYYY-MM-DD), and hand-reasoned cases of rows it must decline.
"""
from __future__ import annotations

import datetime as dt

from hypothesis import event, given, settings
from hypothesis import strategies as st

import doha_compliance as dc
from conftest import ROOT
from doha_compliance.intake import validate
from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Event, Rejection

DOHA = dc.load_rules(str(ROOT / "rules" / "doha"))
LEBANON = dc.load_rules(str(ROOT / "rules" / "lebanon-2024"))

ODD_WORDS = ("Taliban", " us", "unknown", "nobody", "", " ", "é", 3, True, None, ["us"])
ODD_TEXT = (" Kabul ", "Kaboul é", "", "x" * 300, "\ud800", 2, -1, True, 1.5, float("nan"), ["a"], {"a": 1}, None)
ODD_COUNTS = (None, -1, 2 ** 53, True, False, 1.0, 1.5, "7", " 7", "x", ["1"])
# each field: (values a common row holds, odd values)
FIELDS = {
    "id": (["a1", "b-2"], (" a1 ", "", "  ", 7, True, None, "é1", "x" * 200, "\ud800", ["a1"])),
    "date": (["2020-10-10", "2021-01-31"], ("2020-02-30", " 2020-10-1", "2020-10-10T10:00", "20201010", "2020-10-10 ",
                                             "1000-01-01", "9999-12-31", "２020-10-10", dt.date(2020, 10, 10), None, "")),
    "type": (["attack", "airstrike", "statement"], ODD_WORDS),
    "actor": (["taliban", "us", "afghan_forces", "afghan_government"], ODD_WORDS),
    "target": (["taliban", "us", "afghan_forces", "afghan_government"], ODD_WORDS),
    "accused": (["taliban", "us", "afghan_government"], ODD_WORDS),
    "location_kind": (["city", "rural", "district"], ODD_WORDS),
    "rule": (["violence.reduction", "strikes.defensive_only"], ODD_WORDS),
    **{name: ([0, 1, 7, 2 ** 53 - 1], ODD_COUNTS) for name in ("fatalities", "wounded", "count")},
    **{name: (["Kabul", "Herat", "a text, with commas"], ODD_TEXT)
       for name in ("province", "place", "source", "description", "stated_justification")},
}
REQUIRED = ("id", "date", "type", "actor")


@st.composite
def rows(draw):
    """A common row (the required fields, some optional ones), then up to two fields odd or gone."""
    data = {}
    for name, (good, _odd) in FIELDS.items():
        if name in REQUIRED or draw(st.booleans()):
            data[name] = draw(st.sampled_from(good))
    for name in draw(st.lists(st.sampled_from(sorted(FIELDS)), min_size=1, max_size=2, unique=True)):
        if draw(st.integers(0, 5)) == 0:
            data.pop(name, None)
        else:
            data[name] = draw(st.sampled_from(FIELDS[name][1]))
    return data


def both(data, agreement=DOHA):
    short_cut = validate.check_row(RawRow("f.jsonl:3", dict(data)), agreement)
    full = validate._checked(RawRow("f.jsonl:3", dict(data)), agreement)
    return short_cut, full


@settings(max_examples=400)
@given(rows())
def test_the_short_cut_gives_what_the_full_check_gives(data):
    short_cut, full = both(data)
    assert short_cut == full
    event(type(full).__name__)
    if isinstance(full, Event):
        assert short_cut.province is full.province  # the same shared string


@settings(max_examples=100)
@given(rows())
def test_with_an_agreement_that_places_events_too(data):
    short_cut, full = both(data, LEBANON)
    assert short_cut == full


def test_every_odd_value_of_every_field_alone():
    """Each field of a full common row made odd (or left out), one at a time: the short cut agrees."""
    common = {name: good[0] for name, (good, _odd) in FIELDS.items()}
    del common["accused"]  # (with `rule`, a claim: the full check says whose rule it is)
    assert isinstance(both(common)[0], Event)
    for name, (_good, odd) in FIELDS.items():
        for value in (*odd, "(gone)"):
            data = {k: v for k, v in common.items() if k != name}
            if value != "(gone)":
                data[name] = value
            for agreement in (DOHA, LEBANON):
                short_cut, full = both(data, agreement)
                assert short_cut == full, (name, value)


def test_the_common_row_is_taken_and_equals_the_full_check():
    data = {"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban", "province": "Kabul",
            "fatalities": 3, "location_kind": "city"}
    assert validate._plain_event(data, "f:1", DOHA) is not None
    short_cut, full = both(data)
    assert isinstance(short_cut, Event) and short_cut == full
    assert (short_cut.id, short_cut.date, short_cut.fatalities, short_cut.extra) == ("a1", dt.date(2020, 10, 10), 3, {})


def test_rows_it_declines():
    base = {"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban"}
    for change in ({"id": " "}, {"date": "2020-02-30"}, {"type": "Attack"}, {"fatalities": -1}, {"fatalities": True},
                   {"province": "Kaboul é"}, {"episode": "x"}, {"rule": "violence.reduction", "accused": "taliban"}):
        assert validate._plain_event({**base, **change}, "f:1", DOHA) is None, change
    # a bad date is still the full check's rejection, word for word
    rejected = validate.check_row(RawRow("f:1", {**base, "date": "2020-02-30"}), DOHA)
    assert isinstance(rejected, Rejection) and rejected.field == "date"
    assert rejected.reason.startswith("'2020-02-30' is not a real date") or "2020-02-30" in rejected.reason


def test_two_agreements_in_turn_each_get_their_own_words():
    """Rows checked against two agreements alternately (as a fan-out over agreements may): each
    row is judged by its own agreement's vocabulary, whichever was used just before."""
    doha_row = {"id": "a1", "date": "2020-10-10", "type": "attack", "actor": "taliban"}
    lebanon_row = {"id": "b1", "date": "2024-12-10", "type": "demolition", "actor": "israel"}
    for _ in range(2):
        assert isinstance(validate.check_row(RawRow("f:1", dict(doha_row)), DOHA), Event)
        assert isinstance(validate.check_row(RawRow("f:2", dict(lebanon_row)), LEBANON), Event)
        rejected = validate.check_row(RawRow("f:3", dict(lebanon_row)), DOHA)  # not a Doha type, nor party
        assert isinstance(rejected, Rejection) and rejected.field == "type"
        rejected = validate.check_row(RawRow("f:4", dict(doha_row)), LEBANON)
        assert isinstance(rejected, Rejection) and rejected.field in ("type", "actor")
