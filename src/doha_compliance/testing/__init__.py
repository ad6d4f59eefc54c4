"""Hypothesis strategies for testing rule sets, ours or yours.

    from hypothesis import given
    from doha_compliance.testing import event_streams, rule_sets

    @given(rule_sets(), event_streams(parties=SMALL.parties, types=SMALL.types))
    def test_my_law(agreement, rows): ...

`events()` draws valid event rows (plain dicts, as a file would hold them) with parameters
for parties, types, date range and provinces; `event_streams()` draws lists of them with
unique ids; `rule_sets()` draws whole valid agreements built through the same loader and
JSON Schema as real rule files — with everything the rule language allows: modality, triggers
(another rule's fulfilment or an event), deadlines counted from the trigger, undertakings with no
date, ceilings and parts, links, scope, cover, the claimable kind, signatories and monitors;
`scenarios()` draws an agreement with a stream made for it (unattributed acts, stated
justifications, allegations naming its rules) and a report date; `invalid_rows()` draws rows with
one known defect. Requires hypothesis (installed with the `test` extra).
"""
from __future__ import annotations

import datetime as dt
import functools
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

import attrs
import yaml
from hypothesis import strategies as st

from doha_compliance.models import UNKNOWN, Agreement, Event
from doha_compliance.rules.loader import load_rules_from_texts
from doha_compliance.rules.kinds import Kind, kind_named


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
def events(draw: Any, parties: Sequence[str] = DOHA.parties, types: Sequence[str] = DOHA.types,
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


def event_streams(min_size: int = 0, max_size: int = 30, vocabulary: Vocabulary = DOHA,
                  rule_ids: Sequence[str] = (), reserved: bool = False) -> st.SearchStrategy[List[dict]]:
    """Lists of valid event rows with unique ids (see `events` for `rule_ids` and `reserved`)."""
    v = vocabulary

    @st.composite
    def stream(draw: Any) -> List[dict]:
        n = draw(st.integers(min_size, max_size))
        return [draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"e{i:03d}",
                            rule_ids=rule_ids, reserved=reserved))
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


def _scope(draw: Any, v: Vocabulary) -> dict:
    """Which acts a continuing commitment concerns: whom they target, or where."""
    which = draw(st.integers(0, 2))
    if which == 0:
        return {"target": draw(st.sampled_from(list(v.parties)))}
    if which == 1:
        return {"target": {"not_in": draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=2, unique=True))}}
    return {"province": draw(st.sampled_from(list(v.provinces)))}


def _fulfilment(draw: Any, v: Vocabulary, label: Optional[str] = None) -> dict:
    """One part of what fulfils a deadline: one matching event, a total, or a ceiling ("up to N")."""
    part: dict = {"when": {"type": draw(st.sampled_from(list(v.types))), "actor": "$party"}}
    how = draw(st.integers(0, 2))
    if how == 0:
        part["when"]["count"] = {"at_most": draw(st.integers(0, 10))}
    elif how == 1:
        part["total_of"] = "count"
        part["at_least"] = draw(st.integers(0, 25))
    else:
        part["total_of"] = "count"
        part["up_to"] = draw(st.integers(1, 30))
        if draw(st.booleans()):
            part["at_least"] = draw(st.integers(0, part["up_to"]))
    if label:
        part["label"] = label
    return part


def _trigger(draw: Any, v: Vocabulary, deadlines: List[str]) -> Optional[dict]:
    """Sometimes a trigger: an earlier deadline's fulfilment (never a circle) or an event."""
    which = draw(st.integers(0, 7))
    if which == 0 and deadlines:
        return {"rule": draw(st.sampled_from(deadlines))}
    if which == 1:
        return {"when": {"type": draw(st.sampled_from(list(v.types))),
                         **({"actor": "$party"} if draw(st.booleans()) else {})}}
    return None


def _due(draw: Any, v: Vocabulary, triggered: bool) -> Any:
    """A fixed date, an offset from signature or from the trigger, or none (an undertaking)."""
    which = draw(st.integers(0, 5 if triggered else 3))
    if which <= 1:
        return draw(dates(v.start, v.end)).isoformat()
    if which == 2:
        return {"from": "signature", "days": draw(st.integers(0, 20))}
    if which == 3:
        return None
    return {"from": "trigger", "days": draw(st.integers(0, 8)), **({"months": 1} if draw(st.integers(0, 5)) == 0 else {})}


KINDS = ("prohibited", "conditional", "deadline", "claim", "claimable")


@st.composite
def rule_dicts(draw: Any, v: Vocabulary = SMALL) -> List[dict]:
    """A list of valid rule entries (with, sometimes, an amendment) for vocabulary `v`."""
    rules: List[dict] = []
    deadlines: List[str] = []
    kinds = draw(st.lists(st.sampled_from(list(KINDS)), min_size=1, max_size=5))
    for index, kind in enumerate(kinds):
        parties = draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=2, unique=True))
        rule: dict = {"id": f"r{index}.{kind}", "party": parties if len(parties) > 1 else parties[0],
                      "title": f"Rule {index}", "source": "generated", "basis": "reported", "kind": kind}
        if kind_named(kind).owed:
            trigger = _trigger(draw, v, deadlines)
            if trigger:
                rule["starts_when"] = trigger
            if not kind_named(kind).through_claims and draw(st.integers(0, 2)) == 0:
                rule["modality"] = draw(st.sampled_from(["best_efforts", "aim", "obligation"]))
                rule["wording"] = "with the aim of"
            if draw(st.integers(0, 4)) == 0:
                performers = draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=2, unique=True))
                rule["performed_by"] = performers if len(performers) > 1 else performers[0]
        if kind_named(kind).continuing:
            rule["when"] = _condition(draw, v, True)
            if draw(st.integers(0, 3)) == 0:
                rule["scope"] = _scope(draw, v)
            if draw(st.integers(0, 3)) == 0:
                rule["covered_by"] = {"type": draw(st.sampled_from(list(v.types))),
                                      **({"actor": "$party"} if draw(st.booleans()) else {})}
            if kind_named(kind).justifiable:
                justifier = ({"type": draw(st.sampled_from(list(v.types)))} if draw(st.booleans())
                             else _condition(draw, v, False))
                rule["justified_by"] = {"when": justifier, "within_days": draw(st.integers(0, 6)),
                                        "same": draw(st.sampled_from([[], ["province"]]))}
        elif kind_named(kind).deadline:
            due = _due(draw, v, "starts_when" in rule)
            if due is not None:
                rule["due"] = due
            if draw(st.integers(0, 3)) == 0:
                rule["fulfilled_by"] = [_fulfilment(draw, v, f"part {n}") for n in range(draw(st.integers(1, 2)))]
            else:
                rule["fulfilled_by"] = _fulfilment(draw, v)
            if draw(st.booleans()):
                first = rule["fulfilled_by"][0] if isinstance(rule["fulfilled_by"], list) else rule["fulfilled_by"]
                rule["covered_by"] = {"type": first["when"]["type"]}
            deadlines.append(rule["id"])
        elif kind_named(kind).claim:
            rule["when"] = {"type": draw(st.lists(st.sampled_from(list(v.types)), min_size=1, max_size=2, unique=True)),
                            "accused": "$party"}
            rule["lookback_days"] = draw(st.integers(0, 10))
        if kind_named(kind).owed and draw(st.booleans()):
            rule["effective_from"] = draw(dates(v.start, v.start + dt.timedelta(days=10))).isoformat()
        rules.append(rule)
    # links between commitments (claims weigh; they owe nothing, so nothing links to them)
    owed = [r["id"] for r in rules if kind_named(r["kind"]).owed]
    for rule in rules:
        others = [i for i in owed if i != rule["id"]]
        if kind_named(rule["kind"]).owed and others and draw(st.integers(0, 2)) == 0:
            rule["linked"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
    amendments = []
    for rule in rules:
        if (kind_named(rule["kind"]).continuing and not kind_named(rule["kind"]).justifiable
                and draw(st.integers(0, 2)) == 0):
            start = dt.date.fromisoformat(rule.get("effective_from", v.start.isoformat()))
            amendment = {"id": f"{rule['id']}@amended", "amends": rule["id"],
                         "effective_from": draw(dates(start + dt.timedelta(days=1), v.end)).isoformat(),
                         "when": _condition(draw, v, True)}
            others = [i for i in owed if i != rule["id"]]
            if others and draw(st.integers(0, 3)) == 0:
                amendment["linked"] = draw(st.lists(st.sampled_from(others), min_size=1, max_size=2, unique=True))
            amendments.append(amendment)
    return rules + amendments


def agreement_texts(rules: List[dict], v: Vocabulary = SMALL, signed: Optional[dt.date] = None,
                    signatories: Optional[Sequence[str]] = None,
                    monitors: Optional[Sequence[str]] = None) -> Dict[str, str]:
    """Rule files as YAML text, ready for `load_rules_from_texts` or to be written to a folder."""
    agreement: dict = {"agreement": {"id": "generated", "title": "Generated agreement",
                                     "signed": (signed or v.start).isoformat(),
                                     "parties": {p: p.title() for p in v.parties},
                                     "event_types": list(v.types), "location_kinds": list(v.location_kinds)}}
    if signatories is not None:
        agreement["agreement"]["signatories"] = list(signatories)
    if monitors is not None:
        agreement["agreement"]["monitors"] = list(monitors)
    return {"agreement.yaml": yaml.safe_dump(agreement, sort_keys=False),
            "rules.yaml": yaml.safe_dump({"rules": rules}, sort_keys=False)}


def _roles(draw: Any, v: Vocabulary) -> Tuple[Optional[List[str]], Optional[List[str]]]:
    """Signatories (None: every party signed) and monitors (None: none), drawn for a rule set."""
    signatories = monitors = None
    if draw(st.booleans()):
        signatories = draw(st.lists(st.sampled_from(list(v.parties)), min_size=1, max_size=len(v.parties), unique=True))
    if draw(st.integers(0, 2)) == 0:
        monitors = [draw(st.sampled_from(list(v.parties)))]
    return signatories, monitors


@st.composite
def _agreements(draw: Any, v: Vocabulary) -> Agreement:
    rules = draw(rule_dicts(v))
    signatories, monitors = _roles(draw, v)
    return load_rules_from_texts(agreement_texts(rules, v, signatories=signatories, monitors=monitors))


def rule_sets(vocabulary: Vocabulary = SMALL) -> st.SearchStrategy[Agreement]:
    """Whole agreements, loaded through the real loader (schema and meaning checks included)."""
    return _agreements(vocabulary)


@attrs.frozen
class Scenario:
    """A rule set as written (rule dicts, signatories, monitors), a stream of rows and a report
    date: what `scenarios()` draws. It prints as plain data, so a counterexample can be pasted
    into an `@example(Scenario(...))` as it is."""

    rules: List[dict]
    rows: List[dict]
    as_of: dt.date
    signatories: Optional[List[str]] = None
    monitors: Optional[List[str]] = None

    def agreement(self, v: Vocabulary = COMPACT) -> Agreement:
        return load_rules_from_texts(agreement_texts(self.rules, v, signatories=self.signatories,
                                                     monitors=self.monitors))


@st.composite
def scenarios(draw: Any, v: Vocabulary = COMPACT, min_size: int = 3, max_size: int = 25) -> Scenario:
    """A rule set, a stream made for it — some acts nobody claimed (`actor: unknown`), some stated
    justifications, allegations naming its rules (deadlines among them), events aimed at its
    conditions — and a report date, sometimes past the stream's end."""
    rules = draw(rule_dicts(v))
    signatories, monitors = _roles(draw, v)
    agreement = load_rules_from_texts(agreement_texts(rules, v, signatories=signatories, monitors=monitors))
    rows = draw(event_streams(min_size, max_size, vocabulary=v, rule_ids=agreement.rule_ids(), reserved=True))
    for row in rows:
        if draw(st.booleans()):
            row.update(_aimed(draw, agreement))
    as_of = draw(dates(v.start, v.end + dt.timedelta(days=5)))
    return Scenario(rules, rows, as_of, signatories, monitors)


def _aimed(draw: Any, agreement: Agreement) -> dict:
    """Fields that make an event meet one of a rule's conditions at its top level (what it judges,
    justifies, fulfils, triggers or covers it), so that random streams reach every status often."""
    rule = draw(st.sampled_from(list(agreement.rules)))
    found = [c for c in rule.conditions if c]
    if not found:
        return {}
    cond = draw(st.sampled_from(found))
    party = draw(st.sampled_from(list(rule.parties)))
    out: dict = {}
    if rule.traits.claim and agreement.monitors and draw(st.integers(0, 2)) == 0:
        out["actor"] = agreement.monitors[0]  # a monitor's report
    for key, value in cond.items():
        if isinstance(value, list) and key != "any" and key != "all" and value:
            value = draw(st.sampled_from(value))
        if key == "actor" and "actor" in out:
            continue
        if key in ("type", "actor", "target", "accused", "province", "location_kind") and isinstance(value, str):
            out[key] = party if value == "$party" else value
        elif key == "count" and isinstance(value, dict) and "at_most" in value:
            out[key] = draw(st.integers(0, value["at_most"]))
    return out


def validated_events(agreement: Agreement, rows: Sequence[dict]) -> List[Event]:
    """Rows validated as a file's would be (`api.collect`); every row must be valid."""
    from doha_compliance.api import (
        collect,  # late: the strategies do not need the whole pipeline
    )

    events, rejected, _ = collect(agreement, rows)
    if rejected:
        raise ValueError(f"invalid rows: {[r.reason for r in rejected]}")
    return events


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


# --- the whole rule language (issue 17) -----------------------------------------------------------
# Drawn on top of `rule_dicts` and `events`, what they leave out: conditions nested both ways
# (`all:` in `any:` in `all:`), conditions with no `type`, every operator, `$party` inside lists;
# one-day versions (an amendment followed the next day by another, or a rule whose effective_until
# is its effective_from); streams with date-times whose offset puts them on another day in UTC than
# the day they were written on, claims naming rules (`rule:`), claims placed just after the acts and
# deadlines they accuse (so that corroborated, contradicted and uncorroborated all come up), and a
# monitor. `language_cases()` draws (agreement, rows, as_of) and `features()` names what a case
# reaches, for hypothesis' `event()` statistics.

LANGUAGE_TEXT = ("actor", "target", "accused", "province", "location_kind")
LANGUAGE_NUMBERS = ("fatalities", "wounded", "count")
_PARTY_FIELDS = ("actor", "target", "accused")


def _field_values(v: Vocabulary, field: str) -> List[str]:
    if field == "type":
        return list(v.types)
    if field in _PARTY_FIELDS:
        return list(v.parties)
    return list(v.provinces if field == "province" else v.location_kinds)


def _text_leaf(draw: Any, v: Vocabulary, field: str, party_slot: bool) -> Any:
    """A text constraint with any operator; `$party` alone or inside a list for party fields."""
    values = _field_values(v, field)
    if party_slot and field in _PARTY_FIELDS:
        values = values + ["$party"]
    some = draw(st.lists(st.sampled_from(values), min_size=1, max_size=3, unique=True))
    how = draw(st.sampled_from(["scalar", "list", "equals", "not", "in", "not_in"]))
    if how == "scalar":
        return some[0]
    if how == "list":
        return some
    if how in ("equals", "not"):
        return {how: some[0]}
    return {how: some}


def _number_leaf(draw: Any) -> Any:
    how = draw(st.sampled_from(["at_least", "at_most", "above", "below", "scalar", "list", "not", "not_in"]))
    n = draw(st.integers(0, 12))
    if how == "scalar":
        return n
    if how == "list":
        return draw(st.lists(st.integers(0, 12), min_size=1, max_size=3, unique=True))
    if how == "not_in":
        return {how: draw(st.lists(st.integers(0, 12), min_size=1, max_size=3, unique=True))}
    return {how: n}


@st.composite
def language_conditions(draw: Any, v: Vocabulary = SMALL, party_slot: bool = True, depth: int = 2,
                        typed: Optional[bool] = None) -> dict:
    """A condition as the language allows it: leaves on any field with any operator, and `any:`/`all:`
    lists nested up to `depth` both ways. `typed`: True puts a `type` at the top, False never does,
    None lets it be drawn (a condition may name no type at all)."""
    fields = [*LANGUAGE_TEXT, *LANGUAGE_NUMBERS]
    chosen = draw(st.lists(st.sampled_from(fields), min_size=0 if depth > 0 else 1, max_size=2, unique=True))
    # A condition with no type is allowed, but an act condition without one makes any event cover its
    # rule, which opens the pre-filter to every event: common enough to be reached, rare enough that
    # the pre-filter's narrowing is exercised too.
    if typed or (typed is None and draw(st.integers(0, 3)) > 0):
        chosen.insert(0, "type")
    cond: dict = {}
    for field in chosen:
        cond[field] = _number_leaf(draw) if field in LANGUAGE_NUMBERS else _text_leaf(draw, v, field, party_slot)
    if depth > 0:
        for combiner in ("any", "all"):
            if draw(st.integers(0, 2)) == 0:
                cond[combiner] = [draw(language_conditions(v, party_slot, depth - 1, typed=None if typed is None else False))
                                  for _ in range(draw(st.integers(1, 2)))]
    if not cond:
        cond["type"] = draw(st.sampled_from(list(v.types)))
    return cond


def _one_day_versions(draw: Any, rules: List[dict], v: Vocabulary) -> None:
    """Sometimes, a version in force for one day: an amendment the next amendment follows the day
    after, or a rule whose own dates start and end on the same day."""
    amended = {r["amends"] for r in rules if "amends" in r}
    bases = [r for r in rules if "amends" not in r and (kind_named(r["kind"]).continuing or kind_named(r["kind"]).deadline)
             and r["id"] not in amended]
    for rule in bases:
        which = draw(st.integers(0, 5))
        start = dt.date.fromisoformat(rule.get("effective_from", v.start.isoformat()))
        if which == 0 and start < v.end - dt.timedelta(days=1):
            day = draw(dates(start + dt.timedelta(days=1), v.end - dt.timedelta(days=1)))
            first: dict = {"id": f"{rule['id']}@one-day", "amends": rule["id"], "effective_from": day.isoformat()}
            then: dict = {"id": f"{rule['id']}@after", "amends": rule["id"],
                          "effective_from": (day + dt.timedelta(days=1)).isoformat()}
            if kind_named(rule["kind"]).deadline:
                first["due"] = draw(dates(v.start, v.end)).isoformat()
            else:
                first["when"] = draw(language_conditions(v, True, 1, typed=True))
            rules += [first, then]
        elif which == 1 and not kind_named(rule["kind"]).deadline:
            day = draw(dates(start, v.end))
            rule["effective_from"] = rule["effective_until"] = day.isoformat()


@st.composite
def language_rule_dicts(draw: Any, v: Vocabulary = SMALL) -> List[dict]:
    """`rule_dicts`, with conditions drawn from the whole language and some one-day versions."""
    rules = draw(rule_dicts(v))
    for rule in rules:
        kind = kind_named(rule["kind"]) if "kind" in rule else Kind("amendment")  # an amendment: none of these
        if kind.continuing:
            if draw(st.booleans()):
                rule["when"] = draw(language_conditions(v, True, 2))
            if draw(st.integers(0, 3)) == 0:
                rule["scope"] = draw(language_conditions(v, True, 1, typed=False))
            if draw(st.integers(0, 3)) == 0:
                rule["covered_by"] = draw(language_conditions(v, True, 1))
        if kind.justifiable:
            jb = rule["justified_by"]
            if draw(st.booleans()):
                jb["when"] = draw(language_conditions(v, True, 2))
            jb["same"] = draw(st.sampled_from([[], ["province"], ["province", "location_kind"], ["target"]]))
        if kind.deadline and draw(st.booleans()):
            parts = rule["fulfilled_by"] if isinstance(rule["fulfilled_by"], list) else [rule["fulfilled_by"]]
            part = draw(st.sampled_from(parts))
            part["when"] = draw(language_conditions(v, True, 2))
        if kind.claim and draw(st.booleans()):
            claim_types = draw(st.lists(st.sampled_from(list(v.types)), min_size=2, max_size=3, unique=True))
            rule["when"] = {"accused": "$party", "any": [{"type": t} for t in claim_types]}
        if "amends" in rule and "when" in rule and draw(st.booleans()):
            rule["when"] = draw(language_conditions(v, True, 2))
    _one_day_versions(draw, rules, v)
    return rules


def _satisfy(draw: Any, cond: Any, party: str, out: Dict[str, Any], v: Vocabulary) -> None:
    """Set fields so an event meets `cond` (one branch of each `any:`); operators that exclude
    (`not`, `not_in`) are left to chance."""
    for key, value in cond.items():
        if key == "all":
            for sub in value:
                _satisfy(draw, sub, party, out, v)
            continue
        if key == "any":
            _satisfy(draw, draw(st.sampled_from(value)), party, out, v)
            continue
        ops = value if isinstance(value, dict) else ({"in": value} if isinstance(value, list) else {"equals": value})
        for op, written in ops.items():
            arg: Any = ([party if a == "$party" else a for a in written] if isinstance(written, list)
                        else (party if written == "$party" else written))
            chosen: Any = None
            if op == "equals":
                chosen = arg
            elif op == "in":
                chosen = draw(st.sampled_from(arg))
            elif op in ("at_least", "above"):
                chosen = arg + int(op == "above") + draw(st.integers(0, 3))
            elif op in ("at_most", "below"):
                chosen = arg - int(op == "below") - draw(st.integers(0, 3))
            if chosen is None or (isinstance(chosen, int) and chosen < 0):
                continue
            if key in LANGUAGE_NUMBERS and not isinstance(chosen, int):
                continue
            if key not in LANGUAGE_NUMBERS and (isinstance(chosen, int) or chosen not in _field_values(v, key) + ["unknown"]):
                continue
            out[key] = chosen


def _crossing_midnight(draw: Any, day: dt.date) -> str:
    """`day` as a date-time whose UTC date is the day before (east of UTC, early) or after (west, late)."""
    if draw(st.booleans()):
        offset = draw(st.sampled_from([270, 345, 540, 840]))          # +04:30, +05:45, +09:00, +14:00
        minute = draw(st.integers(0, offset - 1))
    else:
        offset = -draw(st.sampled_from([180, 300, 570, 720]))         # -03:00, -05:00, -09:30, -12:00
        minute = draw(st.integers(24 * 60 + offset, 24 * 60 - 1))
    when = dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60,
                       tzinfo=dt.timezone(dt.timedelta(minutes=offset)))
    return when.isoformat()


def crosses_midnight(text: str) -> bool:
    """Is this date-time on another day in UTC than the day it was written on?"""
    if len(text) <= 10:
        return False
    when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return when.tzinfo is not None and when.astimezone(dt.timezone.utc).date() != when.date()


@st.composite
def language_streams(draw: Any, agreement: Agreement, v: Vocabulary = SMALL, max_size: int = 25) -> List[dict]:
    """Rows for `agreement`: many aimed at its conditions (some on a version's first or last day, a due
    date or the day after), some date-times crossing midnight in UTC, and claims that accuse the actor
    of an earlier row a few days later, often naming the rule that row was aimed at."""
    rows: List[dict] = []
    aimed_at: List[Optional[Tuple[str, str]]] = []  # (rule, party) a row was made to concern
    units = [(r, p) for r in agreement.rules for p in r.parties]
    rule_ids = list(agreement.rule_ids())
    for i in range(draw(st.integers(0, max_size))):
        row = draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"e{i:03d}"))
        target_rule = None
        if units and draw(st.integers(0, 2)) > 0:
            rule, party = draw(st.sampled_from(units))
            target_rule = (rule.id, party)
            conds = list(rule.conditions)
            if conds:
                aimed: Dict[str, Any] = {}
                _satisfy(draw, draw(st.sampled_from(conds)), party, aimed, v)
                row.update(aimed)
            edges = [d for d in _edges(rule) if v.start <= d <= v.end]
            if edges and draw(st.booleans()):
                row["date"] = draw(st.sampled_from(edges)).isoformat()
        if draw(st.integers(0, 4)) == 0:
            row["date"] = _crossing_midnight(draw, dt.date.fromisoformat(row["date"][:10]))
        rows.append(row)
        aimed_at.append(target_rule)
    conditional = [(r, p) for r, p in units if r.traits.justifiable and r.justified_by]
    for j in range(draw(st.sampled_from([0, 1, 2, 2, 3])) if conditional else 0):
        rule, party = draw(st.sampled_from(conditional))  # an act and what justifies it, in its window
        jb = rule.justified_by
        assert jb is not None
        first = draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"j{j:02d}"))
        act = draw(events(v.parties, v.types, v.start, v.end, v.provinces, v.location_kinds, id=f"a{j:02d}"))
        for row, cond in ((first, jb.when), (act, rule.act_condition)):
            fields: Dict[str, Any] = {}
            _satisfy(draw, cond, party, fields, v)
            row.update(fields)
        for name in jb.same:
            if name not in first:
                first[name] = draw(st.sampled_from(_field_values(v, name)))
            act[name] = first[name]
        last = min(v.end, rule.effective_until or v.end)
        day = draw(dates(min(max(v.start, rule.effective_from), last), last))  # the act, in its version's time
        act["date"] = day.isoformat()
        first["date"] = max(v.start, day - dt.timedelta(days=draw(st.integers(0, jb.within_days)))).isoformat()
        rows += [first, act]
        aimed_at += [None, (rule.id, party)]
    claim_rules = [r for r in agreement.rules if r.traits.claim]
    if claim_rules and rows:
        for j in range(draw(st.integers(0, 5))):
            aimed_rows = [i for i, name in enumerate(aimed_at) if name]
            if aimed_rows and draw(st.booleans()):
                k = draw(st.sampled_from(aimed_rows))
            else:
                k = draw(st.integers(0, len(aimed_at) - 1))  # an event row, not an earlier claim
            after = rows[k]
            rule = draw(st.sampled_from(claim_rules))
            owing = aimed_at[k][1] if aimed_at[k] else after["actor"]  # whose finding the row may be
            accused = owing if owing in rule.parties else draw(st.sampled_from(list(rule.parties)))
            leaf: Dict[str, Any] = {}
            _satisfy(draw, rule.when, accused, leaf, v)
            day = min(dt.date.fromisoformat(after["date"][:10]) + dt.timedelta(days=draw(st.integers(0, 3))), v.end)
            claim = {"id": f"c{j:02d}", "date": day.isoformat(), "type": leaf.get("type", draw(st.sampled_from(list(v.types)))),
                     "actor": draw(st.sampled_from(list(v.parties))), "accused": leaf.get("accused", accused)}
            named = draw(st.sampled_from([1, 0, 1, 2]))  # the rule the accused act was aimed at, none, any
            if named == 1 and aimed_at[k]:
                claim["rule"] = aimed_at[k][0]
            elif named == 2 and rule_ids:
                claim["rule"] = draw(st.sampled_from(rule_ids))
            if "province" in after and draw(st.booleans()):
                claim["province"] = after["province"]
            if claim["accused"] in v.parties:
                rows.append(claim)
    return rows


def _edges(rule: Any) -> List[dt.date]:
    one = dt.timedelta(days=1)
    days = [rule.effective_from, rule.effective_from - one]
    if rule.effective_until is not None:
        days += [rule.effective_until, rule.effective_until + one]
    if rule.due is not None:
        days += [rule.due, rule.due + one]
    return days


def language_agreement(rules: List[dict], v: Vocabulary = SMALL, monitor: Optional[str] = None) -> Agreement:
    """The rules loaded as files would be (YAML, schema, meaning checks), with `monitor` declared."""
    texts = agreement_texts(rules, v)
    if monitor:
        data = yaml.safe_load(texts["agreement.yaml"])
        data["agreement"]["monitors"] = [monitor]
        texts["agreement.yaml"] = yaml.safe_dump(data, sort_keys=False)
    return _loaded(tuple(sorted(texts.items())))


@functools.lru_cache(maxsize=512)
def _loaded(texts: Tuple[Tuple[str, str], ...]) -> Agreement:
    """Hypothesis draws the same rule set again and again while it varies a stream: load it once
    (an Agreement is frozen, so sharing it is safe)."""
    return load_rules_from_texts(dict(texts))


# SMALL over twelve days (rule_dicts draws versions up to eleven days in): windows, versions, triggers
# and claims' lookbacks overlap often.
DENSE = attrs.evolve(SMALL, end=SMALL.start + dt.timedelta(days=11))


@st.composite
def language_cases(draw: Any, v: Vocabulary = DENSE, max_size: int = 25) -> tuple:
    """(agreement, rows, as_of): a rule set from the whole language (sometimes with a monitor), a stream
    made for it, and a report date up to five days past the vocabulary's span."""
    rules = draw(language_rule_dicts(v))
    monitor = draw(st.sampled_from(list(v.parties))) if draw(st.integers(0, 3)) == 0 else None
    agreement = language_agreement(rules, v, monitor)
    rows = draw(language_streams(agreement, v, max_size))
    as_of = draw(dates(v.start, v.end + dt.timedelta(days=5)))
    return agreement, rows, as_of


def _nestings(cond: Any, inside: str = "") -> Iterator[str]:
    for key, value in cond.items():
        if key in ("any", "all"):
            if inside and inside != key:
                yield f"{key} inside {inside}"
            for sub in value:
                yield from _nestings(sub, key)


def features(agreement: Agreement, rows: Sequence[dict]) -> List[str]:
    """What a case reaches of the language, named for `hypothesis.event()`."""
    found: set = set()
    for rule in agreement.rules:
        for cond in rule.conditions:
            found.update(_nestings(cond))
            if "type" not in cond:
                found.add("a condition with no type at its top")
        if rule.effective_until is not None and rule.effective_until == rule.effective_from:
            found.add("a one-day version")
    if any(crosses_midnight(str(r.get("date", ""))) for r in rows):
        found.add("a date-time on another day in UTC")
    if any(r.get("rule") for r in rows):
        found.add("an event naming a rule")
    if agreement.monitors:
        found.add("a monitor")
    return sorted(found)
