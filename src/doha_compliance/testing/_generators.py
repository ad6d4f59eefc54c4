"""The suite's own generators for the language laws (tests/test_language_laws.py): private, not
part of the public strategies.

Drawn on top of `rule_dicts` and `events`, what they leave out: conditions nested both ways
(`all:` in `any:` in `all:`), conditions with no `type`, every operator, `$party` inside lists;
one-day versions (an amendment followed the next day by another, or a rule whose effective_until
is its effective_from); streams with date-times whose offset puts them on another day in UTC than
the day they were written on, claims naming rules (`rule:`), claims placed just after the acts and
deadlines they accuse (so that corroborated, contradicted and uncorroborated all come up), and a
monitor. `language_cases()` draws (agreement, rows, as_of) and `features()` names what a case
reaches, for hypothesis' `event()` statistics.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence, Set, Tuple, cast

import attrs
import yaml
from hypothesis import strategies as st

from doha_compliance.models import Agreement, Rule
from doha_compliance.rules import conditions
from doha_compliance.rules.kinds import Kind, kind_named

from ._events import SMALL, Vocabulary, add_certainty, dates, events
from ._rules import SAFE_LOADER, agreement_texts, claimable, derived_bond, dump_yaml, loaded, rule_dicts, say_whose

LANGUAGE_TEXT = ("actor", "target", "accused", "province", "location_kind")
LANGUAGE_NUMBERS = ("fatalities", "wounded", "count")
_PARTY_FIELDS = ("actor", "target", "accused")


def _field_values(v: Vocabulary, field: str) -> List[str]:
    if field == "type":
        return list(v.types)
    if field in _PARTY_FIELDS:
        return list(v.parties)
    return list(v.provinces if field == "province" else v.location_kinds)


def _text_leaf(draw: st.DrawFn, v: Vocabulary, field: str, party_slot: bool) -> Any:
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


def _number_leaf(draw: st.DrawFn) -> Any:
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
def language_conditions(draw: st.DrawFn, v: Vocabulary = SMALL, party_slot: bool = True, depth: int = 2,
                        typed: Optional[bool] = None) -> Dict[str, Any]:
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
    cond: Dict[str, Any] = {}
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


def _one_day_versions(draw: st.DrawFn, rules: List[Dict[str, Any]], v: Vocabulary) -> None:
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
            first: Dict[str, Any] = {"id": f"{rule['id']}@one-day", "amends": rule["id"], "effective_from": day.isoformat()}
            then: Dict[str, Any] = {"id": f"{rule['id']}@after", "amends": rule["id"],
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
def language_rule_dicts(draw: st.DrawFn, v: Vocabulary = SMALL) -> List[Dict[str, Any]]:
    """`rule_dicts`, with conditions drawn from the whole language and some one-day versions."""
    rules: List[Dict[str, Any]] = draw(rule_dicts(v))
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
            if draw(st.integers(0, 3)) == 0:  # issue 25: tighter carve-outs
                jb["answers"] = "actor"
            if draw(st.integers(0, 3)) == 0:
                jb["magnitude"] = {"field": "fatalities", "at_most": draw(st.integers(0, 3)),
                                   **({"or_at_most": draw(st.integers(0, 3))} if draw(st.booleans()) else {})}
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
    return say_whose(rules)  # issue 26: a shared prohibition says whose act it judges


def _satisfy(draw: st.DrawFn, cond: Mapping[str, Any], party: str, out: Dict[str, Any], v: Vocabulary) -> None:
    """Set fields so an event meets `cond` (one branch of each `any:`); operators that exclude
    (`not`, `not_in`) are left to chance. Walks the condition's tree, `$party` bound to `party`."""
    for test in _chosen_tests(draw, conditions.bind(conditions.parse(cond), party)):
        key, op, arg = test.field, test.op, cast(Any, test.arg)  # a test's argument: its op says which kind
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


def _chosen_tests(draw: st.DrawFn, node: conditions.Node) -> Iterator[conditions.Test]:
    """The leaf tests of a tree, with one alternative drawn for each `any:`."""
    if isinstance(node, conditions.Test):
        yield node
    elif isinstance(node, conditions.AnyOf):
        yield from _chosen_tests(draw, draw(st.sampled_from(node.parts)))
    else:
        for part in node.parts:
            yield from _chosen_tests(draw, part)


def _crossing_midnight(draw: st.DrawFn, day: dt.date) -> str:
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
def language_streams(draw: st.DrawFn, agreement: Agreement, v: Vocabulary = SMALL, max_size: int = 25) -> List[Dict[str, Any]]:
    """Rows for `agreement`: many aimed at its conditions (some on a version's first or last day, a due
    date or the day after), some date-times crossing midnight in UTC, and claims that accuse the actor
    of an earlier row a few days later, often naming the rule that row was aimed at."""
    rows: List[Dict[str, Any]] = []
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
            if bool(edges) and draw(st.booleans()):  # bool(): mypy infers draw's type from the left side
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
        if jb.answers == "actor" and draw(st.integers(0, 3)) > 0:  # issue 25: aimed at the justifier's actor
            act["target"] = first["actor"]
        if jb.magnitude is not None:
            for row, most in ((first, 3), (act, 9)):
                if draw(st.integers(0, 4)) > 0:
                    row["fatalities"] = draw(st.integers(0, most))
        if draw(st.integers(0, 2)) == 0:  # issue 25: the same day, with times of day (either order, or one missing)
            first["date"] = act["date"]
            for row in (first, act):
                if draw(st.integers(0, 4)) > 0:
                    row["time"] = draw(st.sampled_from(["08:00", "12:00", "17:00"]))
        rows += [first, act]
        aimed_at += [None, (rule.id, party)]
    claim_rules = [r for r in agreement.rules if r.traits.claim]
    if claim_rules and rows:
        for j in range(draw(st.integers(0, 5))):
            aimed_rows = [i for i, name in enumerate(aimed_at) if name]
            if bool(aimed_rows) and draw(st.booleans()):
                k = draw(st.sampled_from(aimed_rows))
            else:
                k = draw(st.integers(0, len(aimed_at) - 1))  # an event row, not an earlier claim
            after = rows[k]
            rule = draw(st.sampled_from(claim_rules))
            aim = aimed_at[k]
            owing = aim[1] if aim else after["actor"]  # whose finding the row may be
            accused = owing if owing in rule.parties else draw(st.sampled_from(list(rule.parties)))
            leaf: Dict[str, Any] = {}
            _satisfy(draw, rule.when, accused, leaf, v)
            day = min(dt.date.fromisoformat(after["date"][:10]) + dt.timedelta(days=draw(st.integers(0, 3))), v.end)
            claim = {"id": f"c{j:02d}", "date": day.isoformat(), "type": leaf.get("type", draw(st.sampled_from(list(v.types)))),
                     "actor": draw(st.sampled_from(list(v.parties))), "accused": leaf.get("accused", accused)}
            named = draw(st.sampled_from([1, 0, 1, 2]))  # the rule the accused act was aimed at, none, any
            if named == 1 and aim:
                claim["rule"] = aim[0]
            elif named == 2 and rule_ids:
                claim["rule"] = draw(st.sampled_from(rule_ids))
            if "province" in after and draw(st.booleans()):
                claim["province"] = after["province"]
            if draw(st.integers(0, 3)) == 0:  # issue 24: a claim about the very act, whatever its age
                claim["about"] = [after["id"]]
            if claim["accused"] in v.parties:
                rows.append(claim)
    for row in rows:
        add_certainty(draw, row, v.types)
    return rows


def _edges(rule: Rule) -> List[dt.date]:
    one = dt.timedelta(days=1)
    days = [rule.effective_from, rule.effective_from - one]
    if rule.effective_until is not None:
        days += [rule.effective_until, rule.effective_until + one]
    if rule.due is not None:
        days += [rule.due, rule.due + one]
    return days


def language_agreement(rules: List[Dict[str, Any]], v: Vocabulary = SMALL, monitor: Optional[str] = None,
                       answers_for: Optional[Dict[str, Any]] = None) -> Agreement:
    """The rules loaded as files would be (YAML, schema, meaning checks), with `monitor` declared
    (and who answers for whom, issue 25)."""
    texts = agreement_texts(rules, v, answers_for=answers_for)
    if monitor:
        data = yaml.load(texts["agreement.yaml"], Loader=SAFE_LOADER)
        data["agreement"]["monitors"] = [monitor]
        texts["agreement.yaml"] = dump_yaml(data)
    return loaded(texts)  # once per rule set: hypothesis draws the same again while it varies a stream


# SMALL over twelve days (rule_dicts draws versions up to eleven days in): windows, versions, triggers
# and claims' lookbacks overlap often.
DENSE = attrs.evolve(SMALL, end=SMALL.start + dt.timedelta(days=11))


@st.composite
def language_cases(draw: st.DrawFn, v: Vocabulary = DENSE, max_size: int = 25) -> Tuple[Agreement, List[Dict[str, Any]], dt.date]:
    """(agreement, rows, as_of): a rule set from the whole language (sometimes with a monitor), a stream
    made for it, and a report date up to five days past the vocabulary's span."""
    rules = draw(language_rule_dicts(v))
    monitor = draw(st.sampled_from(list(v.parties))) if draw(st.integers(0, 3)) == 0 else None
    agreement = language_agreement(rules, v, monitor, derived_bond(rules, v))
    rows = draw(language_streams(agreement, v, max_size))
    claimable(agreement, rows)
    as_of = draw(dates(v.start, v.end + dt.timedelta(days=5)))
    return agreement, rows, as_of


def _nestings(node: conditions.AllOf, inside: str = "") -> Iterator[str]:
    """"any inside all", "all inside any": how a condition's tree nests its combiners."""
    for part in node.parts:
        if isinstance(part, conditions.AnyOf):
            key, subs = "any", part.parts
        elif isinstance(part, conditions.AllOf):  # an `all:` entry
            key, subs = "all", (part,)
        else:
            continue
        if inside and inside != key:
            yield f"{key} inside {inside}"
        for sub in subs:
            yield from _nestings(sub, key)


def features(agreement: Agreement, rows: Sequence[Dict[str, Any]]) -> List[str]:
    """What a case reaches of the language, named for `hypothesis.event()`."""
    found: Set[str] = set()
    for rule in agreement.rules:
        for cond in rule.conditions:
            tree = conditions.parse(cond)
            found.update(_nestings(tree))
            if not any(isinstance(t, conditions.Test) and t.field == "type" for t in tree.parts):
                found.add("a condition with no type at its top")
        if rule.effective_until is not None and rule.effective_until == rule.effective_from:
            found.add("a one-day version")
    if any(crosses_midnight(str(r.get("date", ""))) for r in rows):
        found.add("a date-time on another day in UTC")
    if any(r.get("rule") for r in rows):
        found.add("an event naming a rule")
    if any(r.get("about") for r in rows):
        found.add("a claim about an act")
    if agreement.monitors:
        found.add("a monitor")
    if agreement.answers_for:  # issue 25: who answers for whom, and duties to prevent
        found.add("a party answering for another's acts")
    if any(r.traits.prevents for r in agreement.rules):
        found.add("a duty to prevent")
    for rule in agreement.rules:  # issue 25
        if rule.justified_by is not None and rule.justified_by.answers:
            found.add("answers: actor")
        if rule.justified_by is not None and rule.justified_by.magnitude:
            found.add("a stated proportion")
    if any(r.get("time") for r in rows):
        found.add("a time of day")
    return sorted(found)

