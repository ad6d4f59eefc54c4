"""Steps that follow steps (issue 26): `due: {from: R, days: N}` counts a deadline from another
deadline's fulfilment, per party (commitment-semantics §5.17). Checked here against the whole rule
set: R exists, is a deadline, is not the rule itself, is owed by whoever's fulfilment counts (the
stated `party`, else each party owing this rule), and no chain of such clocks, dependences and
triggers comes back to where it started — each step would wait for the next, and none could ever
fall due."""
from __future__ import annotations

from typing import Dict, List

from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Rule
from doha_compliance.rules.kinds import kind_of

from .dependence import circles


def check_steps(rules: List[Rule], errors: List[RuleError]) -> None:
    """Refuse, with the analyst's words, a `due: {from: R}` the judges could not count."""
    by_id: Dict[str, Rule] = {}
    owing: Dict[str, set[str]] = {}
    for r in rules:
        by_id.setdefault(r.id, r)
        owing.setdefault(r.id, set()).update(r.parties)
    clocks: Dict[str, List[str]] = {}
    said = set()
    for r in rules:
        step = r.due_from
        if step is None or (r.id, step) in said:
            continue
        said.add((r.id, step))
        where = Location(r.file, r.line, "due")
        target = by_id.get(step.rule)
        if target is None:
            errors.append(RuleError(where, f"due is counted from '{step.rule}', which is not a rule in this set"
                                           f"{did_you_mean(step.rule, by_id)} (from: takes signature, trigger, a "
                                           "date or a deadline rule's id)"))
        elif step.rule == r.id:
            errors.append(RuleError(where, "a deadline cannot be counted from its own fulfilment: name the step it "
                                           "follows"))
        elif not kind_of(target).deadline:
            errors.append(RuleError(where, f"due is counted from '{step.rule}', a '{kind_of(target).name}' rule: only "
                                           "a deadline is met on a day a clock can count from"))
        elif step.party is not None and step.party not in owing[step.rule]:
            errors.append(RuleError(where, f"due is counted from '{step.rule}' met by '{step.party}', but "
                                           f"'{step.rule}' is owed by {', '.join(sorted(owing[step.rule]))}"))
        elif step.party is None and not set(r.parties) <= owing[step.rule]:
            others = ", ".join(p for p in r.parties if p not in owing[step.rule])
            errors.append(RuleError(where, f"due is counted from each party's own fulfilment of '{step.rule}', but "
                                           f"{others} does not owe it: say whose fulfilment starts the clock "
                                           "(party: ... in due)"))
        else:
            clocks.setdefault(r.id, []).append(step.rule)
    waits: Dict[str, List[str]] = {}
    for r in rules:
        waits.setdefault(r.id, [])
        waits[r.id] += [d.rule for d in r.depends_on] + clocks.get(r.id, [])
        if r.starts_when:
            waits[r.id] += list(r.starts_when.rules)
    for circle in circles(clocks, {k: list(dict.fromkeys(v)) for k, v in waits.items()}):
        r = by_id[circle[0]]
        errors.append(RuleError(Location(r.file, r.line, "due"),
                                f"due dates counted from other steps form a circle: {' -> '.join(circle)} "
                                "(each would wait for the next to be met: none could ever fall due)"))
