"""The data the tool reasons about: events, rules, findings, claims, reports.

attrs classes, frozen: an evaluation never mutates its inputs, which is what
makes "same input, same output" cheap to guarantee.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Mapping, Optional, Tuple

import attrs

STATUSES = ("violation", "alleged", "justified", "pending", "met")

# Fields of the event contract with their meaning; anything else is kept in `extra`.
EVENT_FIELDS = (
    "id", "date", "type", "actor", "target", "province", "place", "location_kind",
    "fatalities", "wounded", "count", "accused", "rule", "source", "description",
)
COUNT_FIELDS = ("fatalities", "wounded", "count")
CONTRACT = frozenset(EVENT_FIELDS)  # for membership tests on every row


@attrs.frozen(slots=True)
class Event:
    """One dated, validated event. `where` is file:line, kept for evidence trails."""

    id: str
    date: dt.date
    type: str
    actor: str
    where: str = ""
    target: Optional[str] = None
    province: Optional[str] = None
    place: Optional[str] = None
    location_kind: Optional[str] = None
    fatalities: Optional[int] = None
    wounded: Optional[int] = None
    count: Optional[int] = None
    accused: Optional[str] = None
    rule: Optional[str] = None
    source: Optional[str] = None
    description: Optional[str] = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    def get(self, name: str) -> Any:
        """A field's value by name, extras included (rules may read extra fields)."""
        if name == "date":
            return self.date.isoformat()
        if name in CONTRACT:
            return getattr(self, name)
        return self.extra.get(name)

    @property
    def sort_key(self) -> Tuple[dt.date, str]:
        return (self.date, self.id)


@attrs.frozen
class Rejection:
    """An input row that was read but could not be evaluated, and why."""

    where: str
    id: Optional[str]
    reason: str
    field: Optional[str] = None

    def to_dict(self) -> dict:
        return {"where": self.where, "id": self.id, "reason": self.reason, "field": self.field}


@attrs.frozen
class JustifiedBy:
    """An earlier event that makes an otherwise forbidden act permitted."""

    when: Mapping[str, Any]
    within_days: int
    same: Tuple[str, ...] = ()


@attrs.frozen
class Fulfilment:
    """What meets a deadline: one matching event, or matching events whose `total_of` adds up."""

    when: Mapping[str, Any]
    total_of: Optional[str] = None
    at_least: Optional[int] = None


@attrs.frozen
class Rule:
    """One *version* of a commitment, in force from `effective_from` to `effective_until`.

    Amendments become further versions of the same `id`; `version` names which one
    produced a finding.
    """

    id: str
    version: str
    parties: Tuple[str, ...]
    title: str
    source: str
    basis: str
    kind: str
    effective_from: dt.date
    effective_until: Optional[dt.date] = None
    when: Mapping[str, Any] = attrs.field(factory=dict)
    justified_by: Optional[JustifiedBy] = None
    due: Optional[dt.date] = None
    due_note: Optional[str] = None
    fulfilled_by: Optional[Fulfilment] = None
    covered_by: Optional[Mapping[str, Any]] = None
    accused_field: str = "accused"
    lookback_days: int = 30
    status: str = "violation"
    amends: Optional[str] = None
    notes: Optional[str] = None
    file: str = ""
    line: Optional[int] = None

    @property
    def conditions(self) -> Tuple[Mapping[str, Any], ...]:
        """Every event condition the rule states: what it judges, what justifies or fulfils it,
        what covers it. Field lists, the pre-filter and `explain` all read these."""
        found = (self.when, self.covered_by, self.justified_by.when if self.justified_by else None,
                 self.fulfilled_by.when if self.fulfilled_by else None)
        return tuple(c for c in found if c)

    def in_force(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until


@attrs.frozen
class Agreement:
    """A rule set: the agreement's vocabulary (parties, event types) and its rule versions."""

    id: str
    title: str
    signed: dt.date
    parties: Mapping[str, str]
    event_types: Tuple[str, ...]
    location_kinds: Tuple[str, ...]
    rules: Tuple[Rule, ...]
    folder: str = ""

    def rule_ids(self) -> Tuple[str, ...]:
        return tuple(sorted({r.id for r in self.rules}))

    def versions(self, rule_id: str) -> Tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.id == rule_id)

    def version_in_force(self, rule_id: str, day: dt.date) -> Optional[Rule]:
        """The version of a rule in force on a day, if any."""
        return next((r for r in self.versions(rule_id) if r.in_force(day)), None)


@attrs.frozen
class NotAssessed:
    """A commitment the input cannot judge (e.g. no event bears on a deadline), and why."""

    rule: str
    version: str
    party: str
    reason: str

    def to_dict(self) -> dict:
        return {"rule": self.rule, "version": self.version, "party": self.party, "reason": self.reason}


@attrs.frozen(slots=True)
class Finding:
    rule: str
    version: str
    party: str
    status: str
    date: dt.date
    evidence: Tuple[str, ...]
    reason: str
    province: Optional[str] = None
    due: Optional[dt.date] = None
    justified_by: Tuple[str, ...] = ()
    claims: Tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """A stable, human-readable handle: rule, party and first evidence or due date."""
        anchor = self.evidence[0] if self.evidence else (self.due or self.date).isoformat()
        return f"{self.rule}/{self.party}/{anchor}"

    @property
    def sort_key(self) -> tuple:
        return (self.date, self.party, self.rule, self.evidence, self.status)

    def to_dict(self) -> dict:
        out = {
            "id": self.id, "rule": self.rule, "version": self.version, "party": self.party,
            "status": self.status, "date": self.date.isoformat(), "evidence": list(self.evidence),
            "reason": self.reason,
        }
        if self.province is not None:
            out["province"] = self.province
        if self.due is not None:
            out["due"] = self.due.isoformat()
        if self.justified_by:
            out["justified_by"] = list(self.justified_by)
        if self.claims:
            out["claims"] = list(self.claims)
        return out


@attrs.frozen(slots=True)
class Claim:
    """A party's accusation set beside what the evidence shows."""

    event: str
    date: dt.date
    claimant: str
    accused: str
    rule: Optional[str]
    assessment: str
    findings: Tuple[str, ...]
    reason: str
    province: Optional[str] = None

    def to_dict(self) -> dict:
        out = {
            "event": self.event, "date": self.date.isoformat(), "claimant": self.claimant,
            "accused": self.accused, "rule": self.rule, "assessment": self.assessment,
            "findings": list(self.findings), "reason": self.reason,
        }
        if self.province is not None:
            out["province"] = self.province
        return out
