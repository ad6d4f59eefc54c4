"""Whether an accusation can name a rule (issue 25, commitment-semantics §5.16): the accused owes the
rule, or answers for a party owing it, or a party owing it answers for the accused (`answers_for:`).
A claim naming a rule none of that holds for accuses the accused of breaching someone else's
commitment: `rules check` refuses such a claim rule, intake such a claim event (in an agreement
that declares who answers for whom)."""
from __future__ import annotations

from typing import List, Optional

from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Agreement, Rule

from . import conditions


def may_name(agreement: Agreement, accused: str, rule_id: str) -> bool:
    owners = {p for r in agreement.versions(rule_id) for p in r.parties}
    if accused in owners:
        return True
    return any((b.party in owners and accused in b.actors) or (b.party == accused and owners & set(b.actors))
               for b in agreement.answers_for)


def problem(agreement: Agreement, accused: Optional[str], rule_id: Optional[str]) -> Optional[str]:
    """Why a claim event cannot name this rule against this accused, or None."""
    if not accused or not rule_id or not agreement.answers_for or may_name(agreement, accused, rule_id):
        return None
    owners = sorted({p for r in agreement.versions(rule_id) for p in r.parties})
    return (f"rule {rule_id} is owed by {', '.join(owners)}: {accused} neither owes it nor answers for, or is "
            f"answered for by, a party owing it (answers_for in agreement.yaml); name the rule {accused} is "
            f"said to have breached, or accuse the party that owes it")


def claim_rule_errors(agreement: Agreement) -> List[RuleError]:
    """Claim rules whose `when` names a rule (`rule:`) and an accused (`accused:`, or `$party`) that
    cannot go together."""
    out: List[RuleError] = []
    known = set(agreement.rule_ids())
    for rule in agreement.rules:
        if not rule.traits.claim:
            continue
        for party in rule.parties:
            named = _values(rule, "rule", party)
            accused = _values(rule, rule.accused_field, party)
            for rule_id in named:
                for who in accused:
                    if rule_id in known and who in agreement.parties and not may_name(agreement, who, rule_id):
                        out.append(RuleError(Location(rule.file, rule.line, "when"),
                                             f"claim rule {rule.id} names rule {rule_id} against {who}, who "
                                             f"neither owes it nor answers for, or is answered for by, a party "
                                             f"owing it"))
    unique = {e.message: e for e in out}  # one line a problem, whichever party the claim rule was bound to
    return [unique[m] for m in sorted(unique)]


def _values(rule: Rule, field: str, party: str) -> List[str]:
    out: List[str] = []
    for test in conditions.tests(conditions.bind(conditions.parse(rule.when), party)):
        if test.field == field and test.op in ("equals", "in"):
            values = test.arg if isinstance(test.arg, tuple) else (test.arg,)
            out.extend(str(v) for v in values)
    return out
