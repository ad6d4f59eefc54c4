"""Event rows: the vocabularies, valid rows and streams of them, and rows with one known defect."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence, Tuple

import attrs
from hypothesis import strategies as st

from doha_compliance.models import UNKNOWN, Agreement, Event


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


# SMALL over twelve days: streams dense enough that windows, triggers and deadlines meet often.
COMPACT = attrs.evolve(SMALL, end=dt.date(2020, 1, 12))


def dates(start: dt.date, end: dt.date) -> st.SearchStrategy[dt.date]:
    return st.dates(min_value=start, max_value=end)


@st.composite
def events(draw: st.DrawFn, parties: Sequence[str] = DOHA.parties, types: Sequence[str] = DOHA.types,
           start: dt.date = DOHA.start, end: dt.date = DOHA.end, provinces: Sequence[str] = DOHA.provinces,
           location_kinds: Sequence[str] = DOHA.location_kinds, id: Optional[str] = None,
           rule_ids: Sequence[str] = (), reserved: bool = False) -> Dict[str, Any]:
    """One valid event row. Dates come as ISO text, sometimes as a date-time with a time zone.

    `rule_ids`: rules an event may invoke (`rule:`, as an allegation does). `reserved`: sometimes
    the reserved actor or target `unknown` (an unclaimed act), and a `stated_justification`."""
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
    if rule_ids and draw(st.integers(0, 3)) == 0:
        row["rule"] = draw(st.sampled_from(list(rule_ids)))
    if reserved:
        if draw(st.integers(0, 7)) == 0:
            row["actor"] = UNKNOWN
        if "target" in row and draw(st.integers(0, 5)) == 0:
            row["target"] = UNKNOWN
        if draw(st.integers(0, 3)) == 0:
            row["stated_justification"] = draw(st.sampled_from(["self-defence", "answering an attack", "retaliation"]))
    return row


def add_certainty(draw: st.DrawFn, row: Dict[str, Any], types: Sequence[str]) -> None:
    """Sometimes, the fields that say how certain an event is (issue 24): independent sources, the
    actor's own account alone, a derived figure, an uncertain date, other types it may be (drawn once
    the row's type is final: an alternative is never its own type)."""
    if draw(st.integers(0, 2)) != 0:
        return
    own = draw(st.integers(0, 4)) == 0
    if own:
        row["own_account"] = True
    if draw(st.booleans()):
        row["source_count"] = 1 if own else draw(st.integers(1, 3))
    if draw(st.integers(0, 3)) == 0:
        row["derived"] = True
    if draw(st.integers(0, 3)) == 0:
        row["date_uncertain"] = draw(st.sampled_from([True, "only the month is known"]))
    others = [t for t in types if t != row["type"]]
    if others and draw(st.integers(0, 2)) == 0:
        row["type_uncertain"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))


def event_streams(min_size: int = 0, max_size: int = 30, vocabulary: Vocabulary = DOHA,
                  rule_ids: Sequence[str] = (), reserved: bool = False) -> st.SearchStrategy[List[Dict[str, Any]]]:
    """Lists of valid event rows with unique ids (see `events` for `rule_ids` and `reserved`)."""
    v = vocabulary

    @st.composite
    def stream(draw: st.DrawFn) -> List[Dict[str, Any]]:
        n = draw(st.integers(min_size, max_size))
        return [draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"e{i:03d}",
                            rule_ids=rule_ids, reserved=reserved))
                for i in range(n)]

    return stream()


def validated_events(agreement: Agreement, rows: Sequence[Dict[str, Any]]) -> List[Event]:
    """Rows validated as a file's would be (`api.collect`); every row must be valid."""
    from doha_compliance.api import (
        collect,  # late: the strategies do not need the whole pipeline
    )

    events, rejected, _ = collect(agreement, rows)
    if rejected:
        raise ValueError(f"invalid rows: {[r.reason for r in rejected]}")
    return events


# --- invalid input --------------------------------------------------------

def invalid_rows(vocabulary: Vocabulary = DOHA) -> st.SearchStrategy[Tuple[Dict[str, Any], str, str]]:
    """(row, field, phrase): a row with exactly one defect, the field it is in, and a phrase of the reason."""
    v = vocabulary
    base = events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id="bad-row")

    def drop(field: str) -> st.SearchStrategy[Tuple[Dict[str, Any], str, str]]:
        return base.map(lambda r: ({k: x for k, x in r.items() if k != field}, field, f"required field '{field}' is missing"))

    def replace(field: str, value: Any, phrase: str) -> st.SearchStrategy[Tuple[Dict[str, Any], str, str]]:
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

