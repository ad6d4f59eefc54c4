"""Cross-checks the schema cannot make: a rule's fields against its kind (the registry's
requires/allows), the names its conditions and parties use against the agreement's vocabulary,
and the rules its triggers and links name (no trigger cycles)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import RESERVED_ACTORS, UNKNOWN, Rule
from doha_compliance.rules.kinds import KIND_FIELDS, allowed_by, kind_of

from . import conditions
from .dependence import check_dependences, circles
from .spec import AGREEMENT_FILE, RuleSpec
from .steps import check_steps

BASE_REQUIRES = ("party", "title", "source", "basis", "kind")


def check_fields(spec: RuleSpec, merged: RuleSpec, errors: List[RuleError]) -> None:
    """Every rule names its base fields; its kind's required fields are set; no field another kind
    owns is (a typo in `kind` should not pass silently)."""
    for name in BASE_REQUIRES:
        if getattr(merged, name) is None:
            errors.append(RuleError(spec.at(spec.id and "id"), f"rule '{spec.id}' has no '{name}'"))
    if merged.kind:
        kind = kind_of(merged)
        for name in kind.requires:
            if getattr(merged, name) is None:
                errors.append(RuleError(spec.at("kind"), f"a '{merged.kind}' rule needs '{name}'"))
        for name in KIND_FIELDS:
            kinds = allowed_by(name)
            if getattr(merged, name) is not None and name not in kind.allows:
                name = "from" if name == "level_from" else name
                errors.append(RuleError(spec.at(name), f"'{name}' has no meaning for a '{merged.kind}' rule "
                                                       f"(only for {', '.join(kinds)})"))


def check_condition(spec: RuleSpec, field: str, cond: Optional[Mapping[str, Any]], agreement: Dict[str, Any],
                    errors: List[RuleError]) -> None:
    """Values named in a condition must exist in the agreement's vocabulary (typos match nothing, silently)."""
    if not cond:
        return
    parties = set(agreement["parties"]) | {conditions.PARTY} | set(RESERVED_ACTORS)
    vocab = {
        "type": set(agreement["event_types"]) | {"other"},
        "actor": parties, "target": parties, "accused": parties,
        "location_kind": set(agreement.get("location_kinds", [])),
        "in_zone": set(agreement.get("zones", {})),  # issue 25
    }
    for key, ops in conditions.leaves(cond):
        if key not in vocab:
            continue
        for arg in ops.values():
            for v in (arg if isinstance(arg, list) else [arg]):
                if v not in vocab[key]:
                    errors.append(RuleError(spec.at(field), f"{'zone' if key == 'in_zone' else key} '{v}' is not declared in {AGREEMENT_FILE}"
                                                            f"{did_you_mean(v, vocab[key])}"))


def check_party_names(path: str, parties: Mapping[str, Any], errors: List[RuleError]) -> None:
    """`unknown` and `other` are the tool's own words for an act nobody claimed and an actor the agreement
    does not name: a party declared under either name would be read as one of them, silently."""
    for p in parties:
        if p in RESERVED_ACTORS:
            errors.append(RuleError(Location(path, None, "parties"),
                                    f"'{p}' cannot name a party: the tool keeps it for "
                                    + ("acts nobody claimed" if p == RESERVED_ACTORS[0] else
                                       "actors the agreement does not name") + "; choose another name"))


def check_parties(spec: RuleSpec, field: str, parties: List[str], agreement: Dict[str, Any], errors: List[RuleError]) -> None:
    for p in parties:
        if p in RESERVED_ACTORS:
            errors.append(RuleError(spec.at(field), f"'{p}' is reserved for acts nobody claimed or by actors the "
                                                    "agreement does not name; it cannot owe or perform a commitment"))
        elif p not in agreement["parties"]:
            errors.append(RuleError(spec.at(field), f"unknown party '{p}'{did_you_mean(p, agreement['parties'])}; "
                                                    f"parties are declared in {AGREEMENT_FILE}"))


def check_references(rules: List[Rule], errors: List[RuleError]) -> None:
    """Triggers and links name rules of this set; a trigger is a deadline's fulfilment; no trigger cycles."""
    kinds = {r.id: kind_of(r) for r in rules}
    starts: Dict[str, List[str]] = {}
    owers: Dict[str, set[str]] = {}
    for r in rules:
        owers.setdefault(r.id, set()).update(r.parties)
    for r in rules:
        for field, verb, trigger in (("starts_when", "starts", r.starts_when), ("ends_when", "ends", r.ends_when)):
            where = Location(r.file, r.line, field)
            for target in (trigger.rules if trigger else ()):  # issue 26: every rule an all/any names
                if target not in kinds:
                    errors.append(RuleError(where, f"{verb} when '{target}' is fulfilled, which is not a rule in this "
                                                   f"set{did_you_mean(target, kinds)}"))
                elif not kinds[target].deadline:
                    errors.append(RuleError(where, f"{verb} when '{target}' is fulfilled, but '{target}' is a "
                                                   f"'{kinds[target].name}' rule: only a deadline is fulfilled on a date"))
                elif field == "starts_when":
                    starts.setdefault(r.id, []).append(target)
            for form in (trigger.leaves if trigger else ()):  # issue 26: whose fulfilment counts
                if form.rule in kinds and form.party and form.party not in owers.get(form.rule, ()):
                    errors.append(RuleError(where, f"{verb} when '{form.rule}' is fulfilled by '{form.party}', but "
                                                   f"'{form.rule}' is owed by {', '.join(sorted(owers[form.rule]))}"))
        for other in r.linked:
            if other not in kinds:
                errors.append(RuleError(Location(r.file, r.line, "linked"),
                                        f"linked to '{other}', which is not a rule in this set{did_you_mean(other, kinds)}"))
            elif other == r.id:
                errors.append(RuleError(Location(r.file, r.line, "linked"), "a rule cannot be linked to itself"))
    for circle in circles(starts, starts):
        r = next(r for r in rules if r.id == circle[0])
        errors.append(RuleError(Location(r.file, r.line, "starts_when"), f"triggers form a circle: {' -> '.join(circle)}"))
    check_dependences(rules, errors)  # issue 25: depends_on
    check_steps(rules, errors)  # issue 26: due counted from another step


def unclaimed_warnings(agreement: Any) -> List[str]:
    """Issue 24 (§5.9): a rule whose act or justifier condition names the actor `unknown` loads, but
    no act nobody claimed is ever judged by it nor justifies one (`models.attributed`): `rules check`
    says so, once a rule, rather than leaving the author to find the rule silently matching nothing."""
    out: List[str] = []
    seen = set()
    for rule in agreement.rules:
        # issue 25: a level's count strips `unknown` as a prohibition's acts do; a duty to prevent reads it
        if not (rule.traits.continuing or rule.traits.series) or rule.id in seen:
            continue
        named = [where for where, cond in (("when", rule.when), ("scope", rule.scope),
                                            ("justified_by", rule.justified_by.when if rule.justified_by else None))
                 if cond and _names_unknown(cond)]
        if not named:
            continue
        seen.add(rule.id)
        where = f"{rule.file}:{rule.line}: " if rule.file and rule.line else (f"{rule.file}: " if rule.file else "")
        out.append(f"{where}warning: rule {rule.id}: its {' and '.join(named)} name{'s' if len(named) == 1 else ''} "
                   f"the actor '{UNKNOWN}'; an act nobody claimed never breaches a party's commitment nor justifies "
                   f"a party's act, so this rule judges none: the report lists such acts under 'Acts nobody "
                   f"claimed', with the commitments each would bear on; a party's duty to prevent such acts "
                   f"is kind prevent")
    out.extend(_answered_warnings(agreement))
    return out


def _answered_warnings(agreement: Any) -> List[str]:
    """Issue 25 (§5.16): a bond's `where` that tests the actor (ignored: the bond names its actors), and
    a `prevent` rule's `answered_by.when` naming `unknown` or `other` (a response nobody claimed, or by
    an actor the agreement does not name, is no party's conduct, yet the judge would count it)."""
    out: List[str] = []
    for bond in agreement.answers_for:
        if bond.where and any(t.field == "actor" for t in conditions.tests(conditions.parse(bond.where))):
            out.append(f"warning: answers_for {bond.party}: its where tests the actor, which the judge ignores "
                       f"there (the bond's actors say whose acts it covers)")
    seen = set()
    for rule in agreement.rules:
        if rule.answered_by is None or rule.id in seen:
            continue
        reserved = _names_reserved(rule.answered_by.when)
        if reserved:
            seen.add(rule.id)
            where = f"{rule.file}:{rule.line}: " if rule.file and rule.line else ""
            out.append(f"{where}warning: rule {rule.id}: its answered_by names the actor '{reserved}'; a "
                       f"response must be the owing party's conduct: name it ($party)")
    return out


def _names_reserved(cond: Mapping[str, Any]) -> str:
    for test in conditions.tests(conditions.parse(cond)):
        if test.field == "actor" and test.op in ("equals", "in"):
            values = test.arg if isinstance(test.arg, tuple) else (test.arg,)
            for reserved in RESERVED_ACTORS:
                if reserved in values:
                    return reserved
    return ""


def _names_unknown(cond: Mapping[str, Any]) -> bool:
    for test in conditions.tests(conditions.parse(cond)):
        if test.field != "actor" or test.op not in ("equals", "in"):
            continue
        values = test.arg if isinstance(test.arg, tuple) else (test.arg,)
        if UNKNOWN in values:
            return True
    return False
