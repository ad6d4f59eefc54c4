"""The reference judge's claims: who is claiming (a party, a monitor, an oversight body, the media,
another; SPEC §5.7.3) and what a claim is set against (SPEC §5.7): the deadline it names whatever the
lookback; the claimants of the claimable commitment it names; the acts it is `about`, whatever their
age; else the findings about the accused in its lookback window (and province)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Sequence, Set, Tuple

from doha_compliance.models import Agreement, Event, Rule
from doha_compliance.rules.kinds import Kind

from ._plain import MAX_CITED

THIRD_PARTIES = ("monitor", "oversight", "media")  # roles whose word is not a side's (SPEC §5.7.3)


def role_of(agreement: Agreement, actor: str) -> str:
    """Who is claiming: as declared under `claimants:`, else a monitor (listed in `monitors`), a party
    to the agreement (a signatory), or another."""
    declared = agreement.claimants.get(actor)
    if declared is not None:
        return declared[0]
    if actor in agreement.monitors:
        return "monitor"
    if agreement.signatories:
        return "party" if actor in agreement.signatories else "other"
    return "party" if any(actor in r.parties for r in agreement.rules) else "other"


def part_of(agreement: Agreement, actor: str) -> Optional[str]:
    declared = agreement.claimants.get(actor)
    return declared[1] if declared is not None else None


def independent_of(agreement: Agreement, actor: str, accused: str) -> bool:
    """A third party's word about the accused: a monitor, oversight body or the media, neither the
    accused itself nor part of it."""
    return role_of(agreement, actor) in THIRD_PARTIES and actor != accused and part_of(agreement, actor) != accused


def assess(agreement: Agreement, claim_rule: Rule, e: Event, accused: str, judged: List[Dict[str, Any]],
           kinds: Dict[str, Kind], claims: Sequence[Tuple[Event, str]], known: Set[str]
           ) -> Tuple[str, List[Dict[str, Any]], Optional[int]]:
    """The claim's assessment, the findings it cites, and (a claimable commitment) how many
    independent claimants name it."""
    named = e.rule
    about = _about(e)
    if named is not None and not owes(agreement, named, held_against(agreement, accused, named)):
        return "outside_rules", [], None  # issue 26: the accused (or its answerer, §5.16) owes nothing under it
    if named is not None and named in kinds and kinds[named].deadline:
        # weighed against that deadline's finding, whatever the lookback (SPEC §5.7); a deadline the
        # accused does not owe, owed by the party answering for it, is that party's (SPEC §5.16)
        owner = held_against(agreement, accused, named)
        own = [f for f in judged if f["rule"] == named and f["party"] == owner]
        if own and own[0]["status"] in ("violation", "missed"):
            return "corroborated", own[:1], None
        if own and own[0]["status"] == "met":
            return "contradicted", own[:1], None
        return "uncorroborated", own[:1], None
    if named is not None and named in kinds and kinds[named].through_claims:
        # counted: distinct independent claimants naming it against the accused, in the whole input
        counted = set()
        for other, other_accused in claims:
            if other.rule == named and other_accused == accused and independent_of(agreement, other.actor, accused):
                counted.add(other.actor)
        return ("supported" if len(counted) >= 2 else "uncorroborated"), [], len(counted)
    if about:
        statuses = ("violation", "missed", "unresolved", "justified", "met", "complied")  # complied: SPEC §5.16
        bearing = [f for f in judged if _of(f, accused) and f["evidence"] and f["evidence"][0] in about
                   and f["date"] <= e.date and f["status"] in statuses]
        own = [f for f in bearing if named is None or f["rule"] == named]
        for wanted, assessment in ((("violation", "missed"), "corroborated"), (("unresolved",), "uncorroborated"),
                                   (("justified", "met", "complied"), "contradicted")):
            hits = [f for f in own if f["status"] in wanted]
            if hits:
                if assessment == "contradicted" and named is None:
                    assessment = "not_testable"
                return assessment, hits[-MAX_CITED:], None
        if bearing:
            return "not_testable", bearing[-MAX_CITED:], None
        if all(a not in known for a in about):
            return "uncorroborated", [], None
        return "outside_rules", [], None
    since = e.date - dt.timedelta(days=claim_rule.lookback_days)
    window = [f for f in judged
              if _of(f, accused) and since <= f["date"] <= e.date
              and (named is None or f["rule"] == named)
              and (e.province is None or f["province"] is None or f["province"] == e.province)]
    violations = [f for f in window if f["status"] == "violation"]
    unresolved = [f for f in window if f["status"] == "unresolved"]
    answers = [f for f in window if f["status"] in ("justified", "met")]
    if violations:
        return "corroborated", violations[-MAX_CITED:], None
    if unresolved:
        return "uncorroborated", unresolved[-MAX_CITED:], None
    if answers:
        # only a rule the claim names tests what it asserts (SPEC §5.7.4)
        return ("contradicted" if named is not None else "not_testable"), answers[-MAX_CITED:], None
    return "uncorroborated", [], None


def _of(f: Dict[str, Any], accused: str) -> bool:
    """A finding about the accused: owed by it, or an act by it that another party answers for (SPEC §5.16)."""
    return bool(f["party"] == accused or f.get("act_by") == accused)


def held_against(agreement: Agreement, accused: str, named: Optional[str]) -> str:
    """SPEC §5.16: a claim against an actor some party answers for, naming no rule or a rule the actor
    does not owe, is held against that party."""
    owes = named is not None and any(accused in r.parties for r in agreement.rules if r.id == named)
    if not owes:
        for bond in agreement.answers_for:
            if accused in bond.actors:
                return bond.party
    return accused
def owes(agreement: Agreement, rule_id: str, party: str) -> bool:
    """Does the party owe the rule under any of its versions?"""
    return any(r.id == rule_id and party in r.parties for r in agreement.rules)


def _about(e: Event) -> List[str]:
    value = e.extra.get("about")
    if value is None:
        return []
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)]
