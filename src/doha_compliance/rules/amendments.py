"""Amendments agreed for several deadlines at once: `amendments:` in agreement.yaml (issue 25).

A later agreement often moves several dates at once ("the 60 days are extended to 18 February" for
the withdrawal and the deployment alike) and is itself an event in the record, agreed by named
parties. Writing it once, beside the vocabulary, keeps the parallel commitments in step and lets
the finding cite the event and say who agreed. Each amendment becomes, for each rule it names, an
ordinary rule-level amendment (`<rule>@<amendment id>`, `amends: <rule>`, `effective_from: date`,
`due: due`), so the versions machinery (rules/versions.py) and both judges treat the two forms
alike; `models.Agreement.amendments` keeps what only this form says (who agreed, the event).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

from doha_compliance._util import safeyaml
from doha_compliance._util.files import excerpt
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Amendment

from .build import parse_date
from .kinds import KINDS
from .spec import RuleSpec


def amendment_specs(agreement: Dict[str, Any], node: Any, path: str, signed: dt.date, specs: List[RuleSpec],
                    errors: List[RuleError]) -> Tuple[Tuple[Amendment, ...], List[RuleSpec]]:
    """The agreement's `amendments:` checked against the rule files (`specs`), and the rule-level
    amendments they make; `node`: agreement.yaml's YAML node tree (for lines). Every problem is
    recorded in `errors` with where it is and what to do."""
    entries = agreement.get("amendments", [])
    if not entries:
        return (), []
    lines = _lines(node)
    deadlines = {s.id: s for s in specs if s.amends is None and s.kind in KINDS and KINDS[s.kind].deadline}
    bases = {s.id for s in specs if s.amends is None}
    parties = agreement["parties"]
    made: List[Amendment] = []
    out: List[RuleSpec] = []
    seen: Dict[str, int] = {}
    on_day: Dict[Tuple[str, dt.date], str] = {}
    for index, entry in enumerate(entries):
        line = lines[index] if index < len(lines) else None
        where = Location(path, line, f"amendments[{index + 1}]")
        name = entry["id"]
        if name in seen:
            errors.append(RuleError(where, f"{name}: the same id as amendment {seen[name]}; each amendment "
                                           "needs an id of its own"))
            continue
        seen[name] = index + 1
        date = parse_date(entry["date"], where, errors)
        due = parse_date(entry["due"], where, errors)
        if date is None or due is None:
            continue
        problems = _problems(name, date, due, signed, entry["agreed_by"], parties)
        rules = _rules(name, entry["rules"], deadlines, bases, problems)
        for r in rules:  # two amendments of one rule the same day leave its version that day ambiguous
            other = on_day.setdefault((r, date), name)
            if other != name:
                problems.append(f"{other} and {name} both amend {r} on {date}: say it once, or date them apart")
        if problems:
            errors.extend(RuleError(where, p) for p in problems)
            continue
        amendment = Amendment(id=name, date=date, due=due, rules=rules, agreed_by=tuple(entry["agreed_by"]),
                              event=entry.get("event"))
        made.append(amendment)
        out.extend(RuleSpec(id=amendment.version_of(r), amends=r, effective_from=date.isoformat(),
                            due=due.isoformat(), file=path, line=line) for r in rules)
    return tuple(made), out


def _problems(name: str, date: dt.date, due: dt.date, signed: dt.date, agreed_by: List[str],
              parties: Dict[str, Any]) -> List[str]:
    problems = []
    if date < signed:
        problems.append(f"{name}: agreed on {date}, before the agreement was signed ({signed}): an amendment "
                        "comes after what it amends")
    if due < date:
        problems.append(f"{name}: the new due date {due} is before the day it was agreed ({date}): a date "
                        "cannot be set in the past (to record a lapse, leave the old date)")
    for p in agreed_by:
        if p not in parties:
            problems.append(f"{name}: agreed_by {excerpt(p)} is not one of the parties{did_you_mean(p, parties)} "
                            "(declare it under parties: to name it)")
    return problems


def _rules(name: str, named: Any, deadlines: Dict[str, RuleSpec], bases: Any, problems: List[str]
           ) -> Tuple[str, ...]:
    """The deadline rules an amendment names (`all`: every deadline rule of the folder)."""
    if named == "all":
        if not deadlines:
            problems.append(f"{name}: rules: all, but the folder has no deadline rules (only a deadline has a "
                            "due date to move)")
        return tuple(sorted(deadlines))
    for r in named:
        if r not in bases:
            problems.append(f"{name}: rules: {excerpt(r)} is not a rule in this set{did_you_mean(r, bases)}")
        elif r not in deadlines:
            problems.append(f"{name}: rules: {r} is not a deadline (only a deadline has a due date to move)")
    return tuple(named)


def _lines(root: Any) -> List[int]:
    """The line of each entry under agreement: amendments: (none found: no lines, never a failure)."""
    for key in ("agreement", "amendments"):
        root = next((v for k, v in getattr(root, "value", ()) if getattr(k, "value", None) == key), None)
        if root is None:
            return []
    return [safeyaml.node_line(item) for item in root.value]
