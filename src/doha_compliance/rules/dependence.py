"""`depends_on` (issue 25): a deadline that cannot be performed while another party's deadline is in
default ("the Lebanese army deploys where the Israeli army leaves"). Read here from what the rule
file says, and checked against the whole rule set: the rule named exists, is a deadline, is owed by
the party named (or by one party, when none is named), is not the rule itself, and no chain of
dependences comes back to where it started — a circle would leave each side waiting for the other,
which no judge can decide (commitment-semantics §5.14)."""
from __future__ import annotations

from typing import Any, Callable, Dict, FrozenSet, Iterable, Iterator, List, Set, Tuple

from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Dependence, Rule
from doha_compliance.rules.kinds import kind_of


def dependences(raw: Any) -> Tuple[Dependence, ...]:
    """The schema-checked `depends_on` (one mapping or a list of them) as records; a party left out is
    None here, and means the one party owing the rule named (`check_dependences` makes sure there is one)."""
    if not raw:
        return ()
    items = raw if isinstance(raw, list) else [raw]
    return tuple(Dependence(str(item["rule"]), item.get("party")) for item in items)


def check_dependences(rules: List[Rule], errors: List[RuleError]) -> None:
    """Refuse, with the analyst's words, a dependence the judges could not decide."""
    by_id: Dict[str, Rule] = {}
    for r in rules:
        by_id.setdefault(r.id, r)
    edges: Dict[str, List[str]] = {}
    for r in rules:
        where = Location(r.file, r.line, "depends_on")
        for dep in r.depends_on:
            target = by_id.get(dep.rule)
            if target is None:
                errors.append(RuleError(where, f"depends on '{dep.rule}', which is not a rule in this set"
                                               f"{did_you_mean(dep.rule, by_id)}"))
            elif dep.rule == r.id:
                errors.append(RuleError(where, "a rule cannot depend on itself: name the other party's commitment "
                                               "whose default keeps this one from being performed"))
            elif not kind_of(target).deadline:
                errors.append(RuleError(where, f"depends on '{dep.rule}', a '{kind_of(target).name}' rule: only a "
                                               "deadline is in default until a day it is met, after which the clock "
                                               "runs again"))
            elif dep.party is not None and dep.party not in target.parties:
                errors.append(RuleError(where, f"depends on '{dep.rule}' by '{dep.party}', but '{dep.rule}' is owed "
                                               f"by {', '.join(target.parties)}"))
            elif dep.party is None and len(target.parties) != 1:
                errors.append(RuleError(where, f"depends on '{dep.rule}', which {', '.join(target.parties)} owe: say "
                                               "whose default blocks it (party: ...)"))
            else:
                edges.setdefault(r.id, []).append(dep.rule)
    # a trigger is a wait too: X depends on R, R starts when X is fulfilled, and neither can be decided first
    triggers = {r.id: r.starts_when.rule for r in rules if r.starts_when and r.starts_when.rule in by_id}
    # (a circle through an all/any start is refused by rules/steps.py, which reads every rule it names)
    _refuse_circles(edges, triggers, by_id, errors)


def _refuse_circles(edges: Dict[str, List[str]], triggers: Dict[str, str], by_id: Dict[str, Rule],
                    errors: List[RuleError]) -> None:
    """A chain of dependences (and triggers: "starts when R is fulfilled") that comes back to its start:
    each rule waits for the next, the last for the first. Said once, from the circle's first rule by id;
    a circle of triggers alone is `checks.check_references`'s to refuse."""
    waits = {rule_id: list(edges.get(rule_id, [])) + ([triggers[rule_id]] if rule_id in triggers else [])
             for rule_id in set(edges) | set(triggers)}

    def not_triggers_alone(circle: List[str]) -> bool:  # a circle of triggers alone: refused as a trigger circle
        return any(b in edges.get(a, ()) for a, b in zip(circle, circle[1:]))
    for circle in circles(edges, waits, not_triggers_alone):
        r = by_id[circle[0]]
        errors.append(RuleError(Location(r.file, r.line, "depends_on"),
                                f"dependences form a circle: {' -> '.join(circle)} (each would wait for the "
                                "next to be met: none could ever be performed)"))


def circles(firsts: Iterable[str], edges: Dict[str, List[str]],
            counts: Callable[[List[str]], bool] = lambda circle: True) -> Iterator[List[str]]:
    """Each distinct circle of `edges` through one of `firsts` (tried in id order) that `counts`, once:
    a rule set's circles of triggers, dependences and counted deadlines are all said this way, from the
    circle's first rule by id."""
    said: Set[FrozenSet[str]] = set()
    for first in sorted(firsts):
        circle = _circle(first, [first], edges)
        if circle and counts(circle) and frozenset(circle) not in said:
            said.add(frozenset(circle))
            yield circle


def _circle(first: str, path: List[str], edges: Dict[str, List[str]]) -> List[str]:
    """A path of dependences from `path`'s last rule back to `first`, if there is one."""
    for nxt in edges.get(path[-1], ()):
        if nxt == first:
            return path + [first]
        if nxt not in path and (found := _circle(first, path + [nxt], edges)):
            return found
    return []
