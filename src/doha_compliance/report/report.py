"""The compliance report: the data, and its JSON form (byte-stable for the same input)."""
from __future__ import annotations

import datetime as dt
import json
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Protocol, Sequence, Tuple

import attrs

from doha_compliance._util.spool import claims_spool, findings_spool, unclaimed_spool
from doha_compliance.judging.links import DefaultGroup, linked_ids
from doha_compliance.judging.unattributed import bearing_on
from doha_compliance.models import (
    CONFIDENCES,
    OTHER,
    RESERVED_ACTORS,
    STATUSES,
    Agreement,
    Claim,
    Event,
    Finding,
    NotAssessed,
    Rejection,
    Rule,
    SourceCoverage,
    UnclaimedAct,
    shown_statuses,
)
from doha_compliance.rules.kinds import kind_of
from doha_compliance.rules.kinds.level import SeriesRow

from .counts import Tally
from .scores import Score, compute

_INDENTED = json.JSONEncoder(indent=2, ensure_ascii=False)
_ONE_LINE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "))


def _one_line_encoder() -> Callable[[Any], str]:
    """`_ONE_LINE.encode`, made once: JSONEncoder.encode builds a new C encoder for every call (1.7 µs
    of its 4.3 for a finding), and a report encodes hundreds of thousands of items. Built like
    json's own (same separators, `default`, ensure_ascii=False), without the circular-reference
    check: a report's items are trees made fresh for the line. Where the C encoder is missing
    (another Python), json's encode it is."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return _ONE_LINE.encode
    encoder = make(None, _ONE_LINE.default, json.encoder.encode_basestring, None, _ONE_LINE.key_separator,
                   _ONE_LINE.item_separator, False, False, True)
    return lambda item: "".join(encoder(item, 0))


def event_dict(e: Event) -> Dict[str, Any]:
    """An evidence event as the report shows it: contract fields that are set, then extras."""
    out = {"id": e.id, "date": e.date.isoformat(), "type": e.type, "actor": e.actor, "where": e.where}
    for name in ("target", "accused", "province", "place", "location_kind", "fatalities", "wounded", "count",
                 "rule", "source", "description"):
        value = getattr(e, name)
        if value is not None:
            out[name] = value
    return out


_LINES_A_WRITE = 256
_ONE_LINE_ENCODE = _one_line_encoder()


class TextSink(Protocol):
    """Where the JSON report is written: an open text file, or anything with a `write(str)`."""

    def write(self, text: str, /) -> object: ...


def _write_list(fh: TextSink, items: Iterable[Any]) -> None:
    """A JSON list, one item a line, written a few hundred lines at a time: a write call for each
    item (through the text file's encoder) cost about as much as encoding the item."""
    encode = _ONE_LINE_ENCODE
    lines: List[str] = []
    first = True
    for item in items:
        lines.append(encode(item))
        if len(lines) == _LINES_A_WRITE:
            fh.write(("[\n    " if first else ",\n    ") + ",\n    ".join(lines))
            first, lines = False, []
    if lines:
        fh.write(("[\n    " if first else ",\n    ") + ",\n    ".join(lines))
        first = False
    fh.write("[]" if first else "\n  ]")


def _count_status(counted: Dict[str, Dict[str, int]], f: Finding) -> None:
    statuses = counted.get(f.party)
    if statuses is None:
        statuses = counted[f.party] = {s: 0 for s in STATUSES}
    statuses[f.status] += 1  # issue 25: the table leaves out a status of SHOWN_WHEN_FOUND nobody has


@attrs.frozen
class Inputs:
    read: int
    evaluated: int
    rejected: int
    after_as_of: int = 0
    # issue 27: rows outside the agreement's area and period (read = evaluated + rejected + outside)
    outside: int = 0
    # Which engine ran (durable, python or reference): not serialized and not compared, since the
    # report is the same whichever decided (issue 28).
    engine: Optional[str] = attrs.field(default=None, eq=False)

    def to_dict(self) -> Dict[str, Any]:
        out = {"read": self.read, "evaluated": self.evaluated, "rejected": self.rejected,
               "after_as_of": self.after_as_of}
        if self.outside:  # only when not zero: a report on an agreement without `area:` keeps its bytes
            out["outside"] = self.outside
        return out


IMPORT_OUTCOMES = ("party", "other", "unknown", "undirected")


@attrs.frozen
class ImportCount:
    """One input file's evaluated rows by mapping outcome, so that nothing is set aside unseen.

    `actors`: the row's actor is a party of the agreement, `other` (no party: the mapping names no
    party for it), `unknown` (the source does not identify it), or the row is `undirected` (a clash
    whose two sides are kept but whose attacker the source does not record). `other_type`: rows of
    the reserved type `other` (no event type of the agreement). Plain event files are counted the
    same way: their rows may use `unknown` and `other` too."""

    file: str
    format: str
    evaluated: int
    actors: Tuple[Tuple[str, int], ...]
    other_type: int

    def to_dict(self) -> Dict[str, Any]:
        return {"file": self.file, "format": self.format, "evaluated": self.evaluated,
                "actors": dict(self.actors), "other_type": self.other_type}


class ImportTally:
    """Counts evaluated events per input file and outcome as they pass (a few counters per file)."""

    def __init__(self) -> None:
        # file -> [format, evaluated, {outcome: n}, rows of type other]; in the order the files are read
        self._files: Dict[str, List[Any]] = {}

    def add(self, event: Event) -> None:
        where = event.where
        cut = where.rfind(":")
        file = where[:cut] if cut > 0 else (where or "<events>")
        entry = self._files.get(file)
        if entry is None:
            entry = self._files[file] = [event.extra.get("source_format") or _plain_format(file), 0,
                                         dict.fromkeys(IMPORT_OUTCOMES, 0), 0]
        entry[1] += 1
        actor = event.actor
        if actor in RESERVED_ACTORS:
            entry[2]["undirected" if actor == "unknown" and "side_a" in event.extra else actor] += 1
        else:
            entry[2]["party"] += 1
        if event.type == OTHER:
            entry[3] += 1

    def counts(self) -> Tuple[ImportCount, ...]:
        return tuple(ImportCount(file, fmt, n, tuple(outcomes.items()), other)
                     for file, (fmt, n, outcomes, other) in self._files.items())


def _plain_format(file: str) -> str:
    from doha_compliance.errors import ComplianceError
    from doha_compliance.intake.sources import detect_format
    try:
        return detect_format(file)
    except ComplianceError:  # rows handed over in memory ("<events>") have no file name to tell
        return "events"


@attrs.frozen
class Coverage:
    """What the input covers: its first and last judged events (dated up to the report date), and
    how many of them nobody claimed (actor `unknown`): never a party's finding, still counted."""

    first: Optional[dt.date] = None
    last: Optional[dt.date] = None
    unattributed: int = 0

    def to_dict(self) -> Dict[str, Any]:
        return {"first": self.first.isoformat() if self.first else None,
                "last": self.last.isoformat() if self.last else None, "unattributed": self.unattributed}

    def describe(self, judged: int) -> str:
        if self.first is None:
            return "The input holds no event dated up to the report date."
        unclaimed = f", {self.unattributed} of them unattributed (actor unknown)" if self.unattributed else ""
        return f"The input covers {self.first} to {self.last} ({judged} events judged{unclaimed})."


@attrs.frozen
class Report:
    """Long lists (findings, claims, rejections, events) may be `Spool`s: sequences that live on
    disk past a size, so that a report on millions of events fits in bounded memory."""

    agreement: Agreement
    as_of: dt.date
    inputs: Inputs
    rejected: Sequence[Rejection]  # a Spool or a tuple
    findings: Sequence[Finding]
    claims: Sequence[Claim] = ()
    not_assessed: Tuple[NotAssessed, ...] = ()
    events: Sequence[Event] = ()  # the events findings and claims cite, for explanations and timelines
    imports: Tuple[ImportCount, ...] = ()  # evaluated rows per input file and mapping outcome
    coverage: Coverage = Coverage()
    defaults: Tuple[DefaultGroup, ...] = ()  # who defaulted first, per group of linked commitments
    # issue 15: every judged period of every level rule (levels.SeriesRow), every commitment's score
    # by month (scores.Score)
    series: Tuple[SeriesRow, ...] = ()
    scores: Tuple[Score, ...] = ()
    # issue 24: every act nobody claimed, with the commitments it would bear on (a Spool or a tuple)
    unattributed: Sequence[UnclaimedAct] = ()
    # issue 24: what each input declares it records systematically, cut at the report date
    sources: Tuple[SourceCoverage, ...] = ()
    # issue 24: the least confidence a listed finding has (None: every finding listed), and how many
    # findings below it were left out of the listing and the counts (said in every format's header)
    min_confidence: Optional[str] = None
    left_out: int = 0

    @property
    def import_labels(self) -> Dict[str, str]:
        """Each input file as reports name it: its base name, or as much of its path as tells it from the
        run's other files — so a report does not depend on the folder the files were read from."""
        from doha_compliance.intake.exports.importers import file_labels
        return file_labels([i.file for i in self.imports])

    @property
    def judged(self) -> int:
        """Events evaluated and dated up to the report date."""
        return self.inputs.evaluated - self.inputs.after_as_of

    @property
    def parties(self) -> Dict[str, Dict[str, int]]:
        """Per party, how many findings of each status (every status present, even at 0)."""
        counted: Dict[str, Dict[str, int]] = {}
        for f in self.findings:  # one pass: a spooled list is read back from disk on every pass
            _count_status(counted, f)
        return self._party_table(counted)

    def _party_table(self, counted: Dict[str, Dict[str, int]]) -> Dict[str, Dict[str, int]]:
        owing = {p for r in self.agreement.rules if kind_of(r).owed for p in r.parties} | set(counted)
        shown = shown_statuses({s for c in counted.values() for s, n in c.items() if n})
        return {p: {s: (counted.get(p) or {}).get(s, 0) for s in shown} for p in sorted(owing)}

    def _findings_counted(self, counted: Dict[str, Dict[str, int]], done: List[bool],
                          tally: Optional[Tally] = None) -> Iterator[Dict[str, Any]]:
        """Each finding as the report shows it, counted by party and status on the way (`done` once
        all were): the report then writes the per-party table without reading the findings again."""
        for f in self.findings:
            _count_status(counted, f)
            if tally is not None:
                tally.add(f)
            yield f.to_dict()
        done.append(True)

    def _tally(self) -> Tally:
        versions = {r.version: r.basis for r in self.agreement.rules}
        return Tally(lambda version: versions.get(version, "unknown"))

    @property
    def counts(self) -> Tally:
        """Issue 24 (§5.10): per party and status, findings, episodes and distinct acts, in all and by
        the rule's basis and modality (one pass over the findings)."""
        tally = self._tally()
        for f in self.findings:
            tally.add(f)
        return tally

    def filtered(self, parties: List[str] | None = None, rules: List[str] | None = None,
                 min_confidence: Optional[str] = None) -> "Report":
        """The report for some parties and rules; with `min_confidence` (low, medium, high), without the
        findings rated below it (how many is kept in `left_out`, and every format says it). A finding
        that rests on no event is not rated and always kept; claims, scores, series and who defaulted
        first are the whole report's (commitment-semantics.md §7.5)."""
        def keep(party: str, rule: str | None) -> bool:
            return (not parties or party in parties) and (not rules or rule in rules)
        if min_confidence is not None and min_confidence not in CONFIDENCES:
            raise ValueError(f"min_confidence must be one of {', '.join(CONFIDENCES)}, got {min_confidence!r}")
        floor = CONFIDENCES.index(min_confidence) if min_confidence else 0
        dropped = [0]

        def confident(f: Finding) -> bool:
            if f.confidence is None or CONFIDENCES.index(f.confidence) >= floor:
                return True
            dropped[0] += 1
            return False
        findings = findings_spool(f for f in self.findings if keep(f.party, f.rule) and confident(f)).finish()
        return attrs.evolve(
            self,
            min_confidence=min_confidence or self.min_confidence, left_out=self.left_out + dropped[0],
            findings=findings,
            claims=claims_spool(c for c in self.claims if keep(c.accused, c.rule)).finish(),
            not_assessed=tuple(n for n in self.not_assessed if keep(n.party, n.rule)),
            series=tuple(r for r in self.series if keep(r.party, r.rule)),
            scores=tuple(r for r in self.scores if keep(r.party, r.rule)),
            unattributed=unclaimed_spool(bearing_on(iter(self.unattributed), parties, rules)).finish()
            if parties or rules else self.unattributed,
        )

    def rule_version(self, version: str) -> Rule:
        return next(r for r in self.agreement.rules if r.version == version)

    def _rules_dict(self) -> Dict[str, Any]:
        rules = {}
        for r in self.agreement.rules:
            rules[r.version] = {"rule": r.id, "title": r.title, "source": r.source, "basis": r.basis,
                                "kind": r.kind, "modality": r.modality, "parties": list(r.parties),
                                "performed_by": list(r.performed_by),
                                "starts_when": r.starts_when.describe() if r.starts_when else None,
                                "linked": linked_ids(self.agreement, r),
                                "effective_from": r.effective_from.isoformat(),
                                "effective_until": r.effective_until.isoformat() if r.effective_until else None}
            if r.effective_from_time is not None:  # issue 25: it took effect at a time of day
                rules[r.version]["effective_from_time"] = r.effective_from_time
        return dict(sorted(rules.items()))

    def _readings_dict(self) -> Dict[str, Any]:
        """The contested readings: each rule's primary reading, and the alternative readings the
        findings are also judged under (`Finding.readings`)."""
        primary = {}
        for rule_id in sorted({rule for reading in self.agreement.readings for rule in reading.changes}):
            own = self.agreement.primary_reading(rule_id)
            primary[rule_id] = {k: v for k, v in (("id", own.id), ("whose", own.whose), ("source", own.source)) if v}
        alternatives = {}
        for reading in self.agreement.readings:
            entry: Dict[str, Any] = {"whose": reading.whose, "source": reading.source}
            if reading.quote:
                entry["quote"] = reading.quote
            if reading.paraphrase:
                entry["paraphrase"] = reading.paraphrase
            if reading.unverified:
                entry["unverified"] = True
            if reading.note:
                entry["note"] = reading.note
            entry["rules"] = {rule: list(fields) for rule, fields in reading.changes.items()}
            alternatives[reading.id] = entry
        return {"primary": primary, "alternatives": alternatives}

    def _parts(self) -> Iterator[Tuple[str, Any]]:
        """(key, value or generator of items) in report order; lists are generated item by item,
        and each part only when the parts before it were taken (the per-party table is counted
        while the findings are written, when they all were)."""
        counted: Dict[str, Dict[str, int]] = {}
        done: List[bool] = []
        tally = self._tally()
        yield from [
            ("agreement", self.agreement.id), ("title", self.agreement.title), ("as_of", self.as_of.isoformat()),
            *((("rule_set", self.agreement.source.to_dict()),) if self.agreement.source else ()),
            ("inputs", self.inputs.to_dict()), ("coverage", self.coverage.to_dict()),
            *([("confidence_filter", {"min_confidence": self.min_confidence, "left_out": self.left_out})]
              if self.min_confidence else []),
        ]
        if self.sources:  # issue 24: a key only when some input declares what it covers
            yield "declared_coverage", (s.to_dict() for s in self.sources)
        yield from [
            ("imports", (i.to_dict() for i in self.imports)),
            ("rejected", (r.to_dict() for r in self.rejected)),
            ("findings", self._findings_counted(counted, done, tally)),
            ("claims", (c.to_dict() for c in self.claims)),
            ("not_assessed", (n.to_dict() for n in self.not_assessed)),
            ("defaults", (g.to_dict() for g in self.defaults)),
            *([("readings", self._readings_dict())] if self.agreement.readings else []),
            ("series", (r.to_dict() for r in self.series)), ("scores", (r.to_dict() for r in self.scores)),
        ]
        if self.unattributed:  # issue 24: said only when there is an act nobody claimed
            yield "unattributed", (u.to_dict() for u in self.unattributed)
        parties = self._party_table(counted) if done else self.parties
        yield "parties", parties
        # issue 24: findings, episodes and distinct acts per party and status, and by basis and modality
        yield "counts", (tally if done else self.counts).to_dict(parties)
        yield from [("rules", self._rules_dict()), ("events", (event_dict(e) for e in self.events))]

    def write_json(self, fh: TextSink) -> None:
        """The JSON report, written item by item so a large report never exists twice in memory.

        Small sections are indented; each finding, claim, rejection and event is one line (easy to
        grep and diff, and encoded by json's C encoder, which indentation would turn off)."""
        fh.write("{")
        for n, (key, value) in enumerate(self._parts()):
            fh.write(("," if n else "") + "\n  " + json.dumps(key) + ": ")
            if isinstance(value, (dict, str)):
                fh.write(_INDENTED.encode(value).replace("\n", "\n  "))
                continue
            _write_list(fh, value)
        fh.write("\n}\n")

    def to_frame(self, table: str = "findings") -> Any:
        """A pandas DataFrame of "findings", "scores" or "series" (pip install -e '.[pandas]')."""
        from .notebook import to_frame
        return to_frame(self, table)

    def _repr_html_(self) -> str:
        """What a notebook shows for a report: its summary."""
        from .notebook import summary_html
        return summary_html(self)

    def to_dict(self) -> Dict[str, Any]:
        return {key: value if isinstance(value, (dict, str)) else list(value) for key, value in self._parts()}

    def to_json(self) -> str:
        chunks: List[str] = []  # a list, not StringIO: StringIO may hold 4 bytes a character

        class _Sink:
            write = chunks.append

        self.write_json(_Sink())
        return "".join(chunks)


def with_scores(report: Report) -> Report:
    """The report with its `scores` filled in, from what it states (here, beside `Report`: scores.py,
    which report.py imports, cannot name it)."""
    scores = compute(report.agreement, report.as_of, report.findings, report.not_assessed, report.events,
                     report.coverage.last)
    return attrs.evolve(report, scores=tuple(scores))
