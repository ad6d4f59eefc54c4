"""Hypothesis strategies for testing rule sets, ours or yours.

    from hypothesis import given
    from doha_compliance.testing import event_streams, rule_sets

    @given(rule_sets(), event_streams(parties=SMALL.parties, types=SMALL.types))
    def test_my_law(agreement, rows): ...

`events()` draws valid event rows (plain dicts, as a file would hold them) with parameters
for parties, types, date range and provinces; `event_streams()` draws lists of them with
unique ids; `rule_sets()` draws whole valid agreements built through the same loader and
JSON Schema as real rule files; `invalid_rows()` draws rows with one known defect.
Requires hypothesis (installed with the `test` extra).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence

import attrs
import yaml
from hypothesis import strategies as st

from .models import Agreement
from .rules import load_rules_from_texts


@attrs.frozen
class Vocabulary:
    parties: Sequence[str]
    types: Sequence[str]
    provinces: Sequence[str]
    location_kinds: Sequence[str]
    start: dt.date
    end: dt.date


DOHA = Vocabulary(
    parties=("taliban", "us", "coalition", "afghan_government", "afghan_forces", "civilians", "al_qaeda", "isis_k"),
    types=("attack", "airstrike", "troop_level", "prisoner_release", "negotiation", "statement", "allegation"),
    provinces=("Helmand", "Kandahar", "Takhar", "Ghor", "Wardak", "Kunduz"),
    location_kinds=("provincial_capital", "city", "highway", "district", "rural"),
    start=dt.date(2020, 2, 1), end=dt.date(2021, 6, 30),
)

# A small invented agreement: few names, a short span, so collisions and window edges are common.
SMALL = Vocabulary(
    parties=("red", "blue", "green"),
    types=("attack", "strike", "level", "claim", "note"),
    provinces=("north", "south", "east"),
    location_kinds=("town", "road", "field"),
    start=dt.date(2020, 1, 1), end=dt.date(2020, 1, 21),
)


def dates(start: dt.date, end: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=start, max_value=end)


@st.composite
def events(draw: Any, parties: Sequence[str] = DOHA.parties, types: Sequence[str] = DOHA.types,
           start: dt.date = DOHA.start, end: dt.date = DOHA.end, provinces: Sequence[str] = DOHA.provinces,
           location_kinds: Sequence[str] = DOHA.location_kinds, id: Optional[str] = None) -> Dict[str, Any]:
    """One valid event row. Dates come as ISO text, sometimes as a date-time with a time zone."""
    day = draw(dates(start, end))
    if draw(st.booleans()) and draw(st.integers(0, 3)) == 0:
        when = dt.datetime(day.year, day.month, day.day, draw(st.integers(0, 23)), draw(st.integers(0, 59)),
                           tzinfo=dt.timezone(dt.timedelta(hours=draw(st.sampled_from([-5, 0, 4.5])))))
        date_text = when.isoformat()
    else:
        date_text = day.isoformat()
    row: Dict[str, Any] = {
        "id": id or draw(st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True)),
        "date": date_text,
        "type": draw(st.sampled_from(list(types))),
        "actor": draw(st.sampled_from(list(parties))),
    }
    optional = {
        "target": st.sampled_from(list(parties)),
        "accused": st.sampled_from(list(parties)),
        "province": st.sampled_from(list(provinces)),
        "location_kind": st.sampled_from(list(location_kinds)),
        "fatalities": st.integers(0, 30),
        "wounded": st.integers(0, 60),
        "count": st.integers(0, 20),
    }
    for name, strategy in optional.items():
        if draw(st.booleans()):
            row[name] = draw(strategy)
    return row


def event_streams(min_size: int = 0, max_size: int = 30, vocabulary: Vocabulary = DOHA) -> st.SearchStrategy[List[dict]]:
    """Lists of valid event rows with unique ids."""
    v = vocabulary

    @st.composite
    def stream(draw: Any) -> List[dict]:
        n = draw(st.integers(min_size, max_size))
        return [draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"e{i:03d}"))
                for i in range(n)]

    return stream()


# --- rule sets ------------------------------------------------------------

def _condition(draw: Any, v: Vocabulary, party_slot: bool) -> dict:
    cond: dict = {"type": draw(st.one_of(st.sampled_from(list(v.types)),
                                         st.lists(st.sampled_from(list(v.types)), min_size=1, max_size=2, unique=True)))}
    if party_slot and draw(st.booleans()):
        cond["actor"] = "$party"
    elif draw(st.booleans()):
        cond["actor"] = draw(st.sampled_from(list(v.parties)))
    extra = draw(st.integers(0, 4))
    if extra == 1:
        cond["fatalities"] = {"at_least": draw(st.integers(0, 20))}
    elif extra == 2:
        cond["any"] = [{"location_kind": draw(st.lists(st.sampled_from(list(v.location_kinds)), min_size=1, max_size=2, unique=True))},
                       {"fatalities": {"at_least": draw(st.integers(0, 20))}}]
    elif extra == 3:
        cond["target"] = {"not_in": draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=2, unique=True))}
    elif extra == 4:
        cond["wounded"] = {draw(st.sampled_from(["at_most", "above", "below"])): draw(st.integers(0, 30))}
    return cond


@st.composite
def rule_dicts(draw: Any, v: Vocabulary = SMALL) -> List[dict]:
    """A list of valid rule entries (with, sometimes, an amendment) for vocabulary `v`."""
    rules: List[dict] = []
    kinds = draw(st.lists(st.sampled_from(["prohibited", "conditional", "deadline", "claim"]), min_size=1, max_size=5))
    for index, kind in enumerate(kinds):
        parties = draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=2, unique=True))
        rule: dict = {"id": f"r{index}.{kind}", "party": parties if len(parties) > 1 else parties[0],
                      "title": f"Rule {index}", "source": "generated", "basis": "reported", "kind": kind}
        if kind == "prohibited":
            rule["when"] = _condition(draw, v, True)
        elif kind == "conditional":
            rule["when"] = _condition(draw, v, True)
            rule["justified_by"] = {"when": _condition(draw, v, False), "within_days": draw(st.integers(0, 6)),
                                    "same": draw(st.sampled_from([[], ["province"]]))}
        elif kind == "deadline":
            rule["due"] = draw(dates(v.start, v.end)).isoformat()
            fulfil: dict = {"when": {"type": draw(st.sampled_from(list(v.types))), "actor": "$party"}}
            if draw(st.booleans()):
                fulfil["total_of"] = "count"
                fulfil["at_least"] = draw(st.integers(0, 40))
            else:
                fulfil["when"]["count"] = {"at_most": draw(st.integers(0, 10))}
            rule["fulfilled_by"] = fulfil
            if draw(st.booleans()):
                rule["covered_by"] = {"type": fulfil["when"]["type"]}
        else:
            rule["when"] = {"type": draw(st.sampled_from(list(v.types))), "accused": "$party"}
            rule["lookback_days"] = draw(st.integers(0, 10))
        if kind != "claim" and draw(st.booleans()):
            rule["effective_from"] = draw(dates(v.start, v.start + dt.timedelta(days=10))).isoformat()
        rules.append(rule)
        if kind == "prohibited" and draw(st.integers(0, 2)) == 0:
            start = dt.date.fromisoformat(rule.get("effective_from", v.start.isoformat()))
            rules.append({"id": f"r{index}.{kind}@amended", "amends": rule["id"],
                          "effective_from": draw(dates(start + dt.timedelta(days=1), v.end)).isoformat(),
                          "when": _condition(draw, v, True)})
    return rules


def agreement_texts(rules: List[dict], v: Vocabulary = SMALL, signed: Optional[dt.date] = None) -> Dict[str, str]:
    """Rule files as YAML text, ready for `load_rules_from_texts` or to be written to a folder."""
    agreement = {"agreement": {"id": "generated", "title": "Generated agreement",
                               "signed": (signed or v.start).isoformat(),
                               "parties": {p: p.title() for p in v.parties},
                               "event_types": list(v.types), "location_kinds": list(v.location_kinds)}}
    return {"agreement.yaml": yaml.safe_dump(agreement, sort_keys=False),
            "rules.yaml": yaml.safe_dump({"rules": rules}, sort_keys=False)}


def rule_sets(vocabulary: Vocabulary = SMALL) -> st.SearchStrategy[Agreement]:
    """Whole agreements, loaded through the real loader (schema and meaning checks included)."""
    return rule_dicts(vocabulary).map(lambda rules: load_rules_from_texts(agreement_texts(rules, vocabulary)))


# --- invalid input --------------------------------------------------------

def invalid_rows(vocabulary: Vocabulary = DOHA) -> st.SearchStrategy[tuple]:
    """(row, field, phrase): a row with exactly one defect, the field it is in, and a phrase of the reason."""
    v = vocabulary
    base = events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id="bad-row")

    def drop(field: str):
        return base.map(lambda r: ({k: x for k, x in r.items() if k != field}, field, f"required field '{field}' is missing"))

    def replace(field: str, value: Any, phrase: str):
        return base.map(lambda r: ({**r, field: value}, field, phrase))

    return st.one_of(
        drop("date"), drop("type"), drop("actor"),
        replace("date", "2020-02-30", "is not a real date"),
        replace("date", "yesterday", "is not a real date"),
        replace("fatalities", -1, "cannot be negative"),
        replace("count", "1.5", "must be a whole number"),
        replace("type", "massacre", "unknown event type"),
        replace("actor", "nobody", "unknown party"),
        replace("location_kind", "moon", "unknown location kind"),
    )
