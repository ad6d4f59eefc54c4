"""The data the tool reasons about: events, rules, findings, claims, reports.

attrs classes, frozen: an evaluation never mutates its inputs, which is what
makes "same input, same output" cheap to guarantee.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Mapping, Optional, Protocol, Tuple

import attrs

# Every status a finding can have, in the order reports show them.
CONFIDENCES = ("low", "medium", "high")  # issue 24: a finding's confidence, weakest first
STATUSES = ("violation", "alleged", "justified", "unresolved", "pending", "not_triggered", "met", "missed", "complied", "prevented")
# Statuses a per-party table shows only when some finding has one (issue 25: `prevented` needs a rule with
# `depends_on`, so a report of an agreement that has none keeps the table it always had).
SHOWN_WHEN_FOUND = ("prevented",)
STATUS_MEANINGS = {
    "violation": "an act breaks an obligation, or an obligation's deadline passed (as of the report date) unmet or met late",
    "alleged": "a party's claim that no finding bears out (uncorroborated) or that the evidence answers (contradicted)",
    "justified": "a conditionally permitted act whose condition holds (a justifying event in its window)",
    "unresolved": "a conditional act with no justifying event in the input, but the acting party states a "
                  "justification, or whose only justifying events are attributed to no one; or an act whose type "
                  "is uncertain between one the rule forbids and one it does not; or a conditional act justified in time "
                  "but beyond its stated proportion: the input cannot settle it",
    "pending": "a deadline not yet reached on the report date (or an undertaking with no date, not yet done)",
    "not_triggered": "a commitment whose trigger has not happened by the report date",
    "met": "a deadline met on or before its date",
    "missed": "a best-efforts or aim commitment whose date passed unmet or met late: not a violation",
    "complied": "a continuing commitment with no breach over a span a systematic source (or a monitor's statement) covers",
    "prevented": "a deadline that cannot be performed while the commitment it depends on (depends_on) is in default "
                 "by the party that owes it: never a violation",
}


def shown_statuses(found: Any) -> Tuple[str, ...]:
    """The statuses a per-party table shows: every one, but those of `SHOWN_WHEN_FOUND` only when `found`
    (the statuses some finding has) holds them."""
    return tuple(s for s in STATUSES if s not in SHOWN_WHEN_FOUND or s in found)
MODALITIES = ("obligation", "best_efforts", "aim")
# Actor ids every agreement accepts: an act nobody claimed (`unknown`) or by someone the agreement does
# not name (`other`). Neither ever owes a rule, and an act by `unknown` is never a party's finding.
UNKNOWN = "unknown"
OTHER = "other"
RESERVED_ACTORS = (UNKNOWN, OTHER)
# An act nobody claimed, as a condition (what `Rule.act_condition` adds for the matchers).
ATTRIBUTED = {"actor": {"not": UNKNOWN}}


# Issue 25: `in_zone:` as an act's condition admits an act of unknown location (the judge then makes it
# unresolved, "location unknown"); everywhere else it admits only an event placed in the zone. The
# loose spelling is the tool's own key, which no rule file can write (condition keys are [a-z0-9_]).
IN_ZONE, IN_ZONE_OR_UNKNOWN = "in_zone", "in_zone?"


def _maybe_in_zone(cond: Mapping[str, Any]) -> Mapping[str, Any]:
    """The condition with every `in_zone` read as "in the zone, or of unknown location"."""
    if not _names_zone(cond):
        return cond
    out: Dict[str, Any] = {}
    for key, value in cond.items():
        if key in ("any", "all"):
            out[key] = [_maybe_in_zone(sub) for sub in value]
        else:
            out[IN_ZONE_OR_UNKNOWN if key == IN_ZONE else key] = value
    return out


def _names_zone(cond: Mapping[str, Any]) -> bool:
    return IN_ZONE in cond or any(_names_zone(sub) for key in ("any", "all") for sub in cond.get(key, ()))


def attributed(event: "Event") -> bool:
    """Whether anyone answers for an event: the one place that decides it (commitment-semantics §5.9).

    An act nobody claimed (actor `unknown`) neither breaches a party's prohibition nor justifies
    another party's act; it is listed apart ("Acts nobody claimed"). The matchers ask it through
    `ATTRIBUTED` (a rule's acts) and this function (justification windows, the unclaimed list).
    Issue 25 extends this seam: `attributed` still says whether the act is anyone's (an act by
    hezbollah is hezbollah's); `Bond` says which party answers for an attributed actor's acts
    (`answers_for:` in agreement.yaml, commitment-semantics §5.16), and `answered_condition` is its
    form for rule conditions. An act nobody claimed is answered for by no one: it bears only on a
    party's duty to prevent (kind `prevent`)."""
    return event.actor != UNKNOWN


def denial(event: "Event") -> str:
    """Issue 25: who denies an act (`denied_by`, an event's extra field: an actor or a list of them), as a
    finding about the act shows it beside the act in every format: " [denied by hezbollah]"; "" if none.
    A denial is shown, never weighed: it changes no status (a party's word about its own act, §5.7).
    Issue 26: the monitor that observed it (`observed_by`) is cited the same way: " [observed by osce]"
    (what it weighs is the finding's confidence, §7.1)."""
    value = event.extra.get("denied_by") if event.extra else None
    names = [str(v) for v in value] if isinstance(value, list) else ([str(value)] if value else [])
    said = f" [denied by {', '.join(names)}]" if names else ""
    observer = event.extra.get("observed_by") if event.extra else None  # issue 26: the monitor that saw it, cited
    return said + (f" [observed by {observer}]" if observer else "")


@attrs.frozen
class Bond:
    """Issue 25 (§5.16): `party` answers for the acts of `actors`, where `where` holds (a condition on the
    act; None: everywhere), as the agreement's `clause` says. Such an act is judged under the party's
    rules as the party's act, and its finding names the actor (`Finding.act_by`)."""

    party: str
    actors: Tuple[str, ...]
    where: Optional[Mapping[str, Any]] = None
    clause: Optional[str] = None

    def label(self, actor: str) -> str:
        """The words a finding carries: "act by hezbollah, for which lebanon answers (item 2)"."""
        return f"act by {actor}, for which {self.party} answers" + (f" ({self.clause})" if self.clause else "")


def _named(value: Any) -> Optional[Tuple[str, ...]]:
    """The actors an `actor` constraint names by equality (a name, a list, `equals:`, `in:`); None for
    any other form (`not:`), which a bond does not widen."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(v for v in value if isinstance(v, str))
    if isinstance(value, Mapping) and set(value) <= {"equals", "in"}:
        return _named(value.get("equals")) or _named(value.get("in"))
    return None


def answered_condition(cond: Mapping[str, Any], bonds: Tuple[Bond, ...], party: Optional[str] = None
                       ) -> Mapping[str, Any]:
    """A condition on acts with every `actor` test naming a party that answers for others widened to
    those others where the bond holds (§5.16): `actor: lebanon` reads `any: [{actor: lebanon},
    {all: [{actor: [hezbollah, armed_groups]}, WHERE]}]`. `$party` names `party`; with no party given,
    every bonded party (a superset, for the pre-filter and the fields a rule reads). Nothing changes
    without bonds."""
    if not bonds:
        return cond
    out: Dict[str, Any] = {}
    widened = []
    for key, value in cond.items():
        if key in ("all", "any"):
            out[key] = [answered_condition(c, bonds, party) for c in value]
            continue
        names = _named(value) if key == "actor" else None
        held = [b for b in bonds if names and (b.party in names or ("$party" in names and party in (None, b.party)))]
        if not held:
            out[key] = value
            continue
        widened.append({"any": [{key: value}] + [{"all": [{"actor": list(b.actors)}] + ([dict(b.where)] if b.where else [])}
                                                  for b in held]})
    if widened:
        out["all"] = list(out.get("all", [])) + widened
    return out
# Who says it (issue 24): the roles a claimant may be declared with, and those whose word is a third
# party's (independent of the accused, unless part of it).
CLAIMANT_ROLES = ("party", "monitor", "oversight", "media")
INDEPENDENT_ROLES = ("monitor", "oversight", "media")

# Fields of the event contract with their meaning; anything else is kept in `extra`.
EVENT_FIELDS = (
    "id", "date", "type", "actor", "target", "province", "place", "location_kind",
    "fatalities", "wounded", "count", "accused", "rule", "source", "description", "stated_justification",
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
    stated_justification: Optional[str] = None
    extra: Mapping[str, Any] = attrs.field(factory=dict, eq=False, hash=False)

    @property
    def about(self) -> Tuple[str, ...]:
        """The ids of the events a claim or report is about (`about:`, one id or a list; issue 24)."""
        value = self.extra.get("about")
        if value is None:
            return ()
        return (str(value),) if isinstance(value, (str, int)) else tuple(str(v) for v in value)

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

    def to_dict(self) -> Dict[str, Any]:
        return {"where": self.where, "id": self.id, "reason": self.reason, "field": self.field}


@attrs.frozen
class JustifiedBy:
    """An earlier event that makes an otherwise forbidden act permitted."""

    when: Mapping[str, Any]
    within_days: int
    same: Tuple[str, ...] = ()
    within_km: Optional[float] = None  # issue 25: the justifier lies within this many km of the act
    # issue 25 (tighter carve-outs): `actor` -- the act must be aimed at the justifier's actor
    # (act.target == justifier.actor); and a stated proportion between act and justifier
    answers: Optional[str] = None
    magnitude: Optional["Magnitude"] = None


@attrs.frozen
class Magnitude:
    """A stated proportion between an act and the event that justifies it (issue 25): the act's `field`
    is at most `at_most` times the justifier's, or at most `or_at_most` whatever the justifier's (the
    floor that lets an analyst say what answers fire that killed no one)."""

    field: str
    at_most: int
    or_at_most: int = 0

    def allows(self, act: int, justifier: int) -> bool:
        return act <= max(self.at_most * justifier, self.or_at_most)

    def describe(self) -> str:
        floor = f", or at most {self.or_at_most}" if self.or_at_most else ""
        return f"at most {self.at_most}x the answered event's {self.field}{floor}"


@attrs.frozen
class AnsweredBy:
    """Issue 25 (§5.16): the response a duty to prevent is judged on — an event matching `when` (with
    `$party` the owing party) on the act's day or within `within_days` after it."""

    when: Mapping[str, Any]
    within_days: int


@attrs.frozen
class Fulfilment:
    """What meets a deadline (or one part of it): one matching event, or matching events whose
    `total_of` adds up to `at_least`. `up_to` is a ceiling ("up to 5,000"): never read as a minimum."""

    when: Mapping[str, Any]
    total_of: Optional[str] = None
    at_least: Optional[int] = None
    up_to: Optional[int] = None
    label: Optional[str] = None
    # of a part of a several-part deadline: what an event must be to bear on it at all (its `when`
    # without its tests on numbers, set by the loader); a part nothing bears on is not assessed
    bears_on: Optional[Mapping[str, Any]] = None
    # issues 25/26 (§5.12): met only by a matching declaration that this monitor verifies on or after its day
    verified_by: Optional[str] = None
    # §5.12: met by a stated running `percent` at least this (with verified_by: the verification's percent)
    percent_at_least: Optional[float] = None
    # issue 25: one place of a part met place by place (`places:`); its `when` then also asks the event
    # to be at this gazetteer place (the `at_place:<name>` field intake sets)
    place: Optional[str] = None

    @property
    def required(self) -> int:
        """The total that fulfils it: `at_least`, or for a ceiling without one, any amount (1)."""
        if self.at_least is not None:
            return self.at_least
        return 1 if self.up_to is not None else 0


@attrs.frozen
class Trigger:
    """When a commitment starts (or ends): another rule's fulfilment (`rule`), or the first event matching
    `when`; or (issue 26, §5.17) `all_of` such leaves -- the day the last is met -- or `any_of` them -- the
    first. A leaf's event matches are kept under its slot (`slots`)."""

    rule: Optional[str] = None
    when: Optional[Mapping[str, Any]] = None
    all_of: Tuple["Trigger", ...] = ()
    any_of: Tuple["Trigger", ...] = ()
    party: Optional[str] = None  # a rule form: whose fulfilment counts (default: the party's own where it owes it)

    @property
    def leaves(self) -> Tuple["Trigger", ...]:
        """The `{rule}` and `{when}` forms it is made of (itself, when it is one)."""
        return self.all_of or self.any_of or (self,)

    @property
    def rules(self) -> Tuple[str, ...]:
        """The rules whose fulfilment it waits for."""
        return tuple(leaf.rule for leaf in self.leaves if leaf.rule)

    def describe(self, what: str = "starts_when") -> str:
        if self.all_of or self.any_of:
            words = "; ".join(f"{leaf.rule} is fulfilled" if leaf.rule else f"an event matches its {what} condition "
                              f"{i + 1}" for i, leaf in enumerate(self.leaves))
            return f"when {'all' if self.all_of else 'any'} of these happened ({'the last' if self.all_of else 'the first'}" \
                   f" counts): {words}"
        by = f" by {self.party}" if self.party else ""
        return f"when {self.rule} is fulfilled{by}" if self.rule else f"at the first event matching its {what}"


def trigger_slots(rule: "Rule") -> Tuple[Tuple[str, Mapping[str, Any]], ...]:
    """(slot, condition) of every event condition in a rule's `starts_when` and `ends_when` (issue 26):
    slot "" for a plain `starts_when: {when: C}` (matches keyed by the unit, as before), "s<i>" for the
    i-th form of an `all`/`any` start, "e<i>" for the i-th form of its end."""
    out: List[Tuple[str, Mapping[str, Any]]] = []
    for prefix, trigger in (("s", rule.starts_when), ("e", rule.ends_when)):
        if trigger is None:
            continue
        plain = prefix == "s" and not (trigger.all_of or trigger.any_of)
        out += [("" if plain else f"{prefix}{i}", leaf.when) for i, leaf in enumerate(trigger.leaves)
                if leaf.when is not None]
    return tuple(out)


def slot_version(version: str, slot: str) -> str:
    """The version name a trigger slot's matches are kept under: the version itself for slot ""."""
    return version if not slot else f"{version}#{slot}"


@attrs.frozen
class DueFrom:
    """`due: {from: R, days, months}` (issue 26, commitment-semantics §5.17): a deadline counted from
    another deadline R's fulfilment by the owing party itself (each side's clock its own), or by `party`
    when stated; with `or_due` (`or_from: due`), from R's due day when R was not fulfilled by then."""

    rule: str
    days: int = 0
    months: int = 0
    party: Optional[str] = None
    or_due: bool = False

    def offset(self) -> str:
        """"1 day", "2 months and 3 days"."""
        bits = [f"{self.months} month{'s' if self.months != 1 else ''}"] if self.months else []
        if self.days or not self.months:
            bits.append(f"{self.days} day{'s' if self.days != 1 else ''}")
        return " and ".join(bits)

    def describe(self) -> str:
        """The rule as text, for `rules list` and reasons: "1 day after pullback.heavy is met by the
        party, or after its due date if it defaults"."""
        who = f"by {self.party}" if self.party else "by the party"
        tail = ", or after its due date if it defaults" if self.or_due else ""
        return f"{self.offset()} after {self.rule} is met {who}{tail}"


@attrs.frozen
class Dependence:
    """`depends_on` (issue 25): this deadline cannot be performed while `rule` is in default by `party`
    (commitment-semantics §5.14)."""

    rule: str
    party: Optional[str] = None  # None: the one party owing `rule`

    def owing(self, rules: Any) -> str:
        """The party whose default blocks: as named, else the one party owing the rule (`rules check`
        refuses a dependence on a rule several parties owe that names none)."""
        if self.party is not None:
            return self.party
        return str(next(r.parties[0] for r in rules if r.id == self.rule))


class Traits(Protocol):
    """What the layers ask of a rule's kind: `rules.kinds.Kind` has it (this module, below the rules
    layer, cannot import that record, so it states the questions it and the layers above ask)."""

    @property
    def continuing(self) -> bool: ...
    @property
    def justifiable(self) -> bool: ...
    @property
    def deadline(self) -> bool: ...
    @property
    def through_claims(self) -> bool: ...
    @property
    def claim(self) -> bool: ...
    @property
    def series(self) -> bool: ...
    @property
    def prevents(self) -> bool: ...


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
    fulfilments: Tuple[Fulfilment, ...] = ()
    covered_by: Optional[Mapping[str, Any]] = None
    modality: str = "obligation"
    wording: Optional[str] = None
    performed_by: Tuple[str, ...] = ()
    starts_when: Optional[Trigger] = None
    due_after_trigger: Optional[Tuple[int, int]] = None  # (days, months) counted from the trigger date
    linked: Tuple[str, ...] = ()
    scope: Optional[Mapping[str, Any]] = None
    accused_field: str = "accused"
    lookback_days: int = 30
    status: str = "violation"
    amends: Optional[str] = None
    notes: Optional[str] = None
    file: str = ""
    line: Optional[int] = None
    level: Any = None  # issue 15: levels.Level, for kind `level` (what it measures, per period, against what)
    # The kind's record (rules.kinds.Kind), set by the loader: what this layer asks of the kind.
    traits: Traits = attrs.field(default=None, eq=False, repr=False)
    depends_on: Tuple[Dependence, ...] = ()  # issue 25: what must not be in default for it to be performable
    # issue 25: the time of day (HH:MM) on `effective_from` the version takes effect; an act that day before it is outside
    effective_from_time: Optional[str] = None
    # issue 25 (§5.16): the agreement's `answers_for:` bonds, set by the loader (acts a party answers for)
    bonds: Tuple[Bond, ...] = attrs.field(default=(), eq=False, repr=False)
    answered_by: Optional[AnsweredBy] = None  # issue 25: a `prevent` rule's response (§5.16)
    due_from: Optional[DueFrom] = None  # issue 26 (§5.17): due counted from another deadline's fulfilment, per party
    ends_when: Optional[Trigger] = None  # issue 26 (§5.17): the commitment ends that day (no finding after it)

    @property
    def fulfilled_by(self) -> Optional[Fulfilment]:
        """The first (usually the only) part of what fulfils a deadline."""
        return self.fulfilments[0] if self.fulfilments else None

    @property
    def act_condition(self) -> Mapping[str, Any]:
        """What an act must match to be judged by a prohibited or conditional rule: `when`, within the
        rule's `scope`, and never an act nobody claimed (actor `unknown`)."""
        extra = ([self.scope] if self.scope else []) + [dict(ATTRIBUTED)]
        when = answered_condition(self.when, self.bonds)  # issue 25: acts a party answers for (§5.16)
        when = when if self.level is not None else _maybe_in_zone(when)
        return {**when, "all": list(when.get("all", [])) + extra}

    @property
    def acts_to_prevent(self) -> Mapping[str, Any]:
        """Issue 25 (§5.16): the acts a `prevent` rule judges — its `when` within its `scope`, anyone's,
        acts nobody claimed included (the rule names whose: `actor: [unknown, armed_groups]`). An act of
        unknown location is not in a zone here: a duty to prevent is owed for acts known to be where it holds."""
        return {**self.when, "all": list(self.when.get("all", [])) + ([self.scope] if self.scope else [])}

    def acts_for(self, party: str) -> Mapping[str, Any]:
        """`act_condition` for one owing party: its `actor: $party` widened by that party's bond only
        (issue 25, §5.16). What the matchers judge a unit's acts by."""
        extra = ([self.scope] if self.scope else []) + [dict(ATTRIBUTED)]
        when = answered_condition(self.when, self.bonds, party)
        when = when if self.level is not None else _maybe_in_zone(when)
        return {**when, "all": list(when.get("all", [])) + extra}

    @property
    def coverage_condition(self) -> Optional[Mapping[str, Any]]:
        """What shows the input covers this commitment: `covered_by`; for a continuing commitment
        without it, an event of a type its `when` names (any event when it names none)."""
        if self.covered_by or not self.traits.continuing:
            return self.covered_by
        types = self.when.get("type")
        if isinstance(types, (str, list)):
            return {"type": types}
        return {}

    @property
    def conditions(self) -> Tuple[Mapping[str, Any], ...]:
        """Every event condition the rule states: what it judges, its scope, what justifies, fulfils,
        triggers or covers it. Field lists, the pre-filter and `explain` all read these."""
        # (a level's `when` with the acts a party answers for: issue 25, §5.16; unchanged without bonds)
        acts = self.act_condition if self.traits.continuing else (answered_condition(self.when, self.bonds) or None)
        if self.traits.prevents:  # its acts are `when` within `scope`: the fields the scope reads are read too
            acts = self.acts_to_prevent
        found = (acts, self.coverage_condition, self.justified_by.when if self.justified_by else None,
                 *(f.when for f in self.fulfilments), *(c for _, c in trigger_slots(self)),
                 self.answered_by.when if self.answered_by else None,
                 *(f.bears_on for f in self.fulfilments))
        # An empty condition is kept: it is a continuing rule's cover when `when` names no type (any
        # event covers it), and the pre-filter must then let every event through.
        return tuple(c for c in found if c is not None)

    @property
    def breach(self) -> str:
        """What failing this commitment is called: a violation of an obligation; `missed` for a best
        effort or an aim, which the text does not make a violation."""
        return "violation" if self.modality == "obligation" else "missed"

    def modality_note(self) -> str:
        """How the text words a non-obligation, for reasons: " (an aim: 'with the aim of ...')"."""
        if self.modality == "obligation":
            return ""
        kind = "an aim" if self.modality == "aim" else "a best-efforts commitment"
        return f" ({kind}{': ' + repr(self.wording) if self.wording else ''}; missed, not a violation)"

    def in_force(self, day: dt.date) -> bool:
        if day < self.effective_from:
            return False
        return self.effective_until is None or day <= self.effective_until


@attrs.frozen
class RuleSource:
    """Which rule folder a run used (issue 23): a local folder named like a bundled set wins over it
    (`--rules doha` is ./doha when there is one), so every report says which it was and hashes its files.

    `name`: the bundled set's name, or the local folder's own name; `folder`: `rules/NAME` for a
    bundled set (the same on every installation), else the path as given; `sha256`: of the rule
    files' names and bytes as read, in sorted order (`rules.source.digest`)."""

    name: str
    folder: str
    bundled: bool
    sha256: str
    shadows: bool = False  # a local folder whose name is a bundled set's

    def to_dict(self) -> Dict[str, Any]:
        return {"name": self.name, "folder": self.folder, "bundled": self.bundled, "sha256": self.sha256}


@attrs.frozen
class Reading:
    """One reading of contested clauses: whose it is, where it is stated, and (for an alternative)
    the rule versions it makes. Rules that carry a reading of the same `id` are read together: an
    alternative reading is the whole agreement judged again with those rules read its way.

    `quote` is verbatim from `source`; `paraphrase` is not (never shown as a quote); `unverified`
    says the words could not be checked against the source. `changes` names, per rule, the fields
    the reading overrides; `versions` are the rule versions it judges instead (named
    `<version>~<reading id>`). A rule's own text is its primary reading (`primary`)."""

    id: str
    whose: str
    source: Optional[str] = None
    quote: Optional[str] = None
    paraphrase: Optional[str] = None
    unverified: bool = False
    note: Optional[str] = None
    changes: Mapping[str, Tuple[str, ...]] = attrs.field(factory=dict)
    versions: Tuple["Rule", ...] = ()
    primary: bool = False

    @property
    def rules(self) -> Tuple[str, ...]:
        """The rule ids it reads otherwise, in order."""
        return tuple(sorted(self.changes))

    def words(self) -> str:
        """Its words as a report cites them: a quote in quotation marks, a paraphrase said to be one."""
        text = ""
        if self.quote:
            text = f"quote: {self.quote!r}"
        elif self.paraphrase:
            text = f"paraphrase (not a quote): {self.paraphrase}"
        if self.unverified:
            text += " (unverified: not checked against the source)"
        return text

    def label(self) -> str:
        """How a report names it: "taliban-on-the-spot (taliban's reading)"; "as encoded" for a rule
        that names no reading of its own."""
        return f"{self.id} ({self.whose}'s reading)" if self.whose else "as encoded (the rule's own reading)"


AS_ENCODED = Reading(id="as-encoded", whose="", primary=True)


@attrs.frozen(slots=True)
class ReadingStatus:
    """A finding's status under an alternative reading, where it differs from the primary one.
    `status` is a status, or NO_FINDING when that reading gives no such finding."""

    reading: str
    status: str
    reason: str

    def to_dict(self) -> Dict[str, Any]:
        return {"reading": self.reading, "status": self.status, "reason": self.reason}


NO_FINDING = "no_finding"  # the reading gives no finding where the primary reading gives this one


@attrs.frozen
class Area:
    """Where and when an agreement applies (issue 27, `area:` and `period:` in agreement.yaml): the
    countries (as ACLED and UCDP write them), the agreement's zones, and the days (both ends
    inclusive; None: open). A row outside them is counted as `outside`, never judged or rejected
    (intake/area.py); an agreement that declares none takes every row."""

    countries: Tuple[str, ...] = ()
    zones: Tuple[str, ...] = ()
    start: Optional[dt.date] = None
    until: Optional[dt.date] = None

    def __bool__(self) -> bool:
        return bool(self.countries or self.zones or self.start or self.until)


@attrs.frozen
class Amendment:
    """An amendment agreed for several deadlines at once (issue 25, `amendments:` in agreement.yaml): on
    `date` the parties in `agreed_by` set a new due date for `rules` (all the deadline rules it names,
    `all` resolved). Each rule gets a version of its own, `<rule>@<id>`, in force from `date`; `event`
    is the event in the record that made it, cited by the findings it changes."""

    id: str
    date: dt.date
    due: dt.date
    rules: Tuple[str, ...]
    agreed_by: Tuple[str, ...] = ()
    event: Optional[str] = None

    def version_of(self, rule_id: str) -> str:
        """The name of the version it makes of a rule."""
        return f"{rule_id}@{self.id}"


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
    signatories: Tuple[str, ...] = ()
    monitors: Tuple[str, ...] = ()
    # who says it (issue 24): claimant name -> (role, part_of), as declared under `claimants:`
    claimants: Mapping[str, Tuple[str, Optional[str]]] = attrs.field(factory=dict)
    source: Optional[RuleSource] = None  # the folder it was loaded from (None: built in memory by hand)
    # Contested readings: the alternative readings (each with its rule versions), and the primary
    # reading a rule names (`reading:`), by rule id; a rule naming none is read AS_ENCODED.
    readings: Tuple[Reading, ...] = ()
    primary_readings: Mapping[str, Reading] = attrs.field(factory=dict)
    # issue 25: named zones (name -> rules.zones.Zone) and the gazetteer (place name, trimmed and
    # case-folded -> rules.zones.Place); empty for an agreement without `zones:`/`gazetteer:`
    zones: Mapping[str, Any] = attrs.field(factory=dict)
    gazetteer: Mapping[str, Any] = attrs.field(factory=dict)
    # issue 25: amendments agreed for several rules at once (`amendments:` in agreement.yaml)
    amendments: Tuple[Amendment, ...] = ()
    answers_for: Tuple[Bond, ...] = ()  # issue 25 (§5.16): who answers for whose acts
    area: Area = Area()  # issue 27: where and when it applies (`area:`, `period:`); empty: everywhere, always

    def bond(self, party: str) -> Optional[Bond]:
        """The bond by which `party` answers for other actors' acts, if it has one."""
        return next((b for b in self.answers_for if b.party == party), None)

    def primary_reading(self, rule_id: str) -> Reading:
        return self.primary_readings.get(rule_id, AS_ENCODED)

    def reading(self, reading_id: str) -> Optional[Reading]:
        return next((r for r in self.readings if r.id == reading_id), None)

    def is_signatory(self, party: str) -> bool:
        """Who signed; with no `signatories` declared, every party that owes a rule."""
        if self.signatories:
            return party in self.signatories
        return any(party in r.parties for r in self.rules)

    def role(self, actor: str) -> str:
        """How a claimant stands to the agreement: as declared under `claimants:` (`party`, `monitor`,
        `oversight`, `media`), else `monitor` (listed in `monitors`), `party` (a signatory) or `other`."""
        if actor in self.claimants:
            return self.claimants[actor][0]
        if actor in self.monitors:
            return "monitor"
        return "party" if self.is_signatory(actor) else "other"

    def part_of(self, actor: str) -> Optional[str]:
        """The party a claimant belongs to (a ministry, an inspector general), as declared; else None."""
        return self.claimants[actor][1] if actor in self.claimants else None

    def independent(self, actor: str, accused: str) -> bool:
        """Whether a claimant's word is a third party's about the accused (issue 24): a monitor, an
        oversight body or the media that is not the accused and not part of it. A party's own word,
        or anyone's undeclared, is not."""
        return (self.role(actor) in INDEPENDENT_ROLES and actor != accused
                and self.part_of(actor) != accused)

    def label(self, party: str) -> str:
        """A party id, with "(not a signatory)" where that matters to a reader."""
        return party if self.is_signatory(party) else f"{party} (not a signatory)"

    def rule_ids(self) -> Tuple[str, ...]:
        return tuple(sorted({r.id for r in self.rules}))

    def versions(self, rule_id: str) -> Tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.id == rule_id)

    def version_in_force(self, rule_id: str, day: dt.date) -> Optional[Rule]:
        """The version of a rule in force on a day, if any."""
        return next((r for r in self.versions(rule_id) if r.in_force(day)), None)

    def version_on(self, rule_id: str, day: dt.date) -> Rule:
        """The version a finding about the whole commitment speaks of on `day`: the one in force, else the
        latest that had started (the commitment has ended), else the first (it has not begun yet)."""
        versions = sorted(self.versions(rule_id), key=lambda r: r.effective_from)
        started = [r for r in versions if r.effective_from <= day]
        return self.version_in_force(rule_id, day) or (started[-1] if started else versions[0])

    def amendment_of(self, rule: Rule) -> Optional[Amendment]:
        """The agreement-level amendment that made this version, if one did (issue 25)."""
        return next((a for a in self.amendments if rule.id in a.rules and a.version_of(rule.id) == rule.version), None)


@attrs.frozen
class SourceCoverage:
    """What one input declares it records systematically (issue 24): these event types, over these
    days, in these provinces (none: everywhere), of at least this many deaths. Only over such a span
    does the absence of a recorded breach say anything: silence elsewhere is not compliance.

    `source` is the input's label as reports name it; `declared_by` says who declared it (the file's
    header, a --coverage file, an export's own scope), so a reader can weigh the declaration."""

    source: str
    types: Tuple[str, ...]
    start: dt.date
    end: dt.date
    declared_by: str
    provinces: Tuple[str, ...] = ()
    min_fatalities: int = 0
    note: str = ""

    def covers_day(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    def describe(self) -> str:
        """One line: what it records, where, when, and who says so."""
        area = f"in {', '.join(self.provinces)}" if self.provinces else "everywhere"
        lethal = f"; lethal events only ({self.min_fatalities}+ deaths)" if self.min_fatalities else ""
        note = f" ({self.note})" if self.note else ""
        return (f"{self.source}: {', '.join(self.types)} {area}, {self.start} to {self.end}{lethal}; "
                f"declared by {self.declared_by}{note}")

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"source": self.source, "types": list(self.types), "from": self.start.isoformat(),
                               "to": self.end.isoformat(), "provinces": list(self.provinces),
                               "min_fatalities": self.min_fatalities, "declared_by": self.declared_by}
        if self.note:
            out["note"] = self.note
        return out


@attrs.frozen
class NotAssessed:
    """A commitment the input cannot judge (e.g. no event bears on a deadline), and why."""

    rule: str
    version: str
    party: str
    reason: str

    def to_dict(self) -> Dict[str, Any]:
        return {"rule": self.rule, "version": self.version, "party": self.party, "reason": self.reason}


@attrs.frozen(slots=True)
class Link:
    """A linked commitment's status on a finding's date: what the other side had done by then."""

    rule: str
    party: str
    status: str
    since: Optional[dt.date] = None

    def to_dict(self) -> Dict[str, Any]:
        return {"rule": self.rule, "party": self.party, "status": self.status,
                "since": self.since.isoformat() if self.since else None}

    def describe(self) -> str:
        return f"{self.rule} ({self.party}): {self.status.replace('_', ' ')}" + (f" since {self.since}" if self.since else "")


@attrs.frozen(slots=True)
class Finding:
    """One conclusion of the report: a party's status on one commitment, dated, with its evidence.

    `rule` and `version` say which commitment (and which text of it, after amendments) it comes
    from; `evidence` lists the event ids it rests on (none for a commitment judged as a whole, such
    as "complied" or "not triggered"); `reason` is the one sentence an analyst can check against the
    evidence; `justified_by` the events that answer an act, `claims` the claims set beside it,
    `linked` the status of each linked commitment on the finding's date, `performed_by` every party
    that performs it, `modality` obligation, best_efforts or aim."""

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
    linked: Tuple[Link, ...] = ()
    performed_by: Tuple[str, ...] = ()
    modality: str = "obligation"
    anchor: Optional[str] = None  # what names a finding about a commitment as a whole (a due date, a period)
    span_start: Optional[dt.date] = None  # issue 24: a `complied` finding's first day (its date is its last)
    days_late: Optional[int] = None    # a deadline met after its day: how many days after
    parts_met: Optional[int] = None    # a deadline of several parts: how many were met by the report date
    parts_total: Optional[int] = None  # ... of how many
    # issue 24: how certain the finding is (high, medium, low; None: it rests on no event) and why
    confidence: Optional[str] = None
    confidence_reasons: Tuple[str, ...] = ()
    episode: Optional[str] = None  # issue 24 (§5.10): the episode an act belongs to, named by its first finding
    readings: Tuple[ReadingStatus, ...] = ()  # its status under each alternative reading, where it differs
    # issue 25 (versions): how amendments moved a deadline's date before it was judged, each
    # "extended on D by S (event id) from X to Y" (commitment-semantics §5.15)
    amended: Tuple[str, ...] = ()
    blocked_by: Tuple[str, ...] = ()  # issue 25: a `prevented` deadline: the ids of the findings in default blocking it
    # issue 25 (carve-outs): the stated proportion between a justified-in-time act and what it answers, as weighed
    magnitude: Optional[str] = None
    # issues 25/26 (§5.12): a deadline's verified parts in words ("declared on D1 (id), verified on D2 by M (id)")
    verification: Optional[str] = None
    act_by: Optional[str] = None  # issue 25 (§5.16): the actor whose act the party answers for
    # issue 26 (§5.17): a deadline counted from another's fulfilment: which clock ran ("counted from R met by
    # P on D" / "from R's due date D: R defaulted (not met by P by then)")
    clock: Optional[str] = None

    @property
    def id(self) -> str:
        """A stable, human-readable handle: rule, party, and what the finding is about — the act (its
        first evidence), or for a commitment judged as a whole its anchor (the due date, the period,
        "complied", "not-triggered"), which stays the same whatever the report date."""
        anchor = self.anchor or (self.evidence[0] if self.evidence else (self.due or self.date).isoformat())
        return f"{self.rule}/{self.party}/{anchor}"

    @property
    def sort_key(self) -> Tuple[dt.date, str, str, Tuple[str, ...], str]:
        return (self.date, self.party, self.rule, self.evidence, self.status)

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
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
        if self.performed_by:
            out["performed_by"] = list(self.performed_by)
        if self.modality != "obligation":
            out["modality"] = self.modality
        if self.span_start is not None:
            out["span_start"] = self.span_start.isoformat()
        if self.days_late is not None:
            out["days_late"] = self.days_late
        if self.parts_total is not None:
            out["parts_met"], out["parts_total"] = self.parts_met, self.parts_total
        out["confidence"] = self.confidence
        out["confidence_reasons"] = list(self.confidence_reasons)
        if self.episode is not None:
            out["episode"] = self.episode
        if self.readings:
            out["readings"] = [r.to_dict() for r in self.readings]
        if self.amended:
            out["amended"] = list(self.amended)
        if self.blocked_by:
            out["blocked_by"] = list(self.blocked_by)
        if self.magnitude is not None:
            out["magnitude"] = self.magnitude
        if self.verification is not None:
            out["verification"] = self.verification
        if self.act_by is not None:
            out["act_by"] = self.act_by
        if self.clock is not None:
            out["clock"] = self.clock
        out["linked"] = [link.to_dict() for link in self.linked]
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
    claimant_role: str = "party"  # party (a signatory), monitor, oversight, media, or other
    # who says it (issue 24): the party the claimant belongs to, whether it is independent of the
    # accused, the events the claim is about, and (claimable rules) how many independent reports concur
    claimant_part_of: Optional[str] = None
    independent: bool = False
    about: Tuple[str, ...] = ()
    supported_by: Optional[int] = None

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "event": self.event, "date": self.date.isoformat(), "claimant": self.claimant,
            "claimant_role": self.claimant_role,
            "accused": self.accused, "rule": self.rule, "assessment": self.assessment,
            "findings": list(self.findings), "reason": self.reason,
        }
        if self.province is not None:
            out["province"] = self.province
        out["independent"] = self.independent
        if self.claimant_part_of is not None:
            out["claimant_part_of"] = self.claimant_part_of
        if self.about:
            out["about"] = list(self.about)
        if self.supported_by is not None:
            out["supported_by"] = self.supported_by
        return out


@attrs.frozen(slots=True)
class UnclaimedAct:
    """An act nobody claimed (actor `unknown`, issue 24 §5.9), listed with the commitments it would
    bear on: each (rule, party) whose prohibited or conditional act condition it would match were
    that party its actor. It breaches none of them and justifies nothing; the list shows what the
    record leaves unanswered."""

    event: str
    date: dt.date
    type: str
    province: Optional[str] = None
    place: Optional[str] = None
    bears_on: Tuple[Tuple[str, str], ...] = ()  # (rule id, party), sorted
    observed_by: Optional[str] = None  # issues 25/26 (§5.12): the monitor that observed it

    def to_dict(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {"event": self.event, "date": self.date.isoformat(), "type": self.type}
        if self.province is not None:
            out["province"] = self.province
        if self.place is not None:
            out["place"] = self.place
        if self.observed_by is not None:
            out["observed_by"] = self.observed_by
        out["bears_on"] = [{"rule": rule, "party": party} for rule, party in self.bears_on]
        return out

    def describe_bears_on(self) -> str:
        return "; ".join(f"{rule} ({party})" for rule, party in self.bears_on) or "no commitment"
