"""Contested readings: a rule's `readings:` built into the rule versions each alternative reading
judges instead, and its `reading:` (whose reading the text itself is).

Why versions: an alternative reading is judged by the same matching and judging as the primary
one, on the same events — the whole agreement with the reading's rules read its way — so its
verdicts are as defensible as the primary's. A reading's id names one reading of the agreement:
rules that carry the same id are read together (the Taliban's reading of the prisoner exchange
and of the talks that follow it), and must agree on whose it is.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Tuple

import attrs

from doha_compliance.errors import Location, RuleError
from doha_compliance.models import AS_ENCODED, Reading, Rule
from doha_compliance.rules.kinds import kind_of

from .build import build_rule
from .checks import check_references
from .spec import RuleSpec

# What a reading may read otherwise; the rest of the rule (its parties, dates, links) is the rule's.
OVERRIDES = ("when", "scope", "modality", "justified_by", "starts_when", "due", "fulfilled_by")
# Which kinds each field means something for (the rule's kind decides, as for the rule's own fields).
_FOR = {"justified_by": "justifiable", "scope": "continuing", "due": "deadline", "fulfilled_by": "deadline"}
SEPARATOR = "~"  # a reading's version: `<version>~<reading id>` (never a rule id: ids have no `~`)

Made = Dict[str, Tuple[RuleSpec, Optional[RuleSpec]]]


def base_version(version: str) -> str:
    """The primary version a reading's version reads otherwise."""
    return version.split(SEPARATOR, 1)[0]


def build_readings(specs: List[RuleSpec], rules: List[Rule], made: Made, agreement: Dict[str, Any],
                   signed: dt.date, errors: List[RuleError]) -> Tuple[Tuple[Reading, ...], Dict[str, Reading]]:
    """(the alternative readings, each with its versions; the primary readings named, by rule id)."""
    primary: Dict[str, Reading] = {}
    found: Dict[str, Dict[str, Any]] = {}  # reading id -> {"first": (spec, entry), "changes": {}, "versions": []}
    for spec in specs:
        if spec.amends is not None:
            for name in ("reading", "readings"):
                if getattr(spec, name) is not None:
                    errors.append(RuleError(spec.at(name), f"'{name}' is set on the rule an amendment amends "
                                                           f"('{spec.amends}'): a reading applies to every version"))
            continue
        if spec.reading is not None:
            r = spec.reading
            primary[spec.id] = Reading(id=r["id"], whose=r["whose"], source=r.get("source"), primary=True)
        if not spec.readings:
            continue
        versions = [r for r in rules if r.id == spec.id]
        if not versions:
            continue  # the rule itself did not build: its errors are reported
        kind = kind_of(versions[0])
        if not (kind.continuing or kind.deadline):
            errors.append(RuleError(spec.at("readings"), f"a '{kind.name}' rule has no alternative readings: "
                                                         "only prohibited, conditional and deadline rules do"))
            continue
        own = (spec.reading or {}).get("id", AS_ENCODED.id)
        seen: List[str] = []
        for entry in spec.readings:
            _one(spec, entry, own, seen, versions, made, agreement, signed, found, errors)
    readings = []
    for rid in sorted(found):
        first_spec, entry = found[rid]["first"]
        readings.append(Reading(id=rid, whose=entry["whose"], source=entry.get("source"), quote=entry.get("quote"),
                                paraphrase=entry.get("paraphrase"), unverified=bool(entry.get("unverified")),
                                note=entry.get("note"), changes=dict(sorted(found[rid]["changes"].items())),
                                versions=tuple(found[rid]["versions"])))
    for reading in readings:
        problems: List[RuleError] = []
        check_references([r for r in rules if r.id not in reading.changes] + list(reading.versions), problems)
        errors.extend(RuleError(p.location, f"under the reading '{reading.id}': {p.message}") for p in problems)
    return tuple(readings), primary


def _one(spec: RuleSpec, entry: Dict[str, Any], own: str, seen: List[str], versions: List[Rule], made: Made,
         agreement: Dict[str, Any], signed: dt.date, found: Dict[str, Dict[str, Any]], errors: List[RuleError]) -> None:
    """One alternative reading of one rule: checked, and built into a version per primary version."""
    rid = entry["id"]
    where = spec.at("readings")
    if rid == own:
        errors.append(RuleError(where, f"reading '{rid}' is the rule's own (primary) reading: an alternative "
                                       "reading needs another id"))
        return
    if rid in seen:
        errors.append(RuleError(where, f"reading '{rid}' is given twice for '{spec.id}'"))
        return
    seen.append(rid)
    if ("quote" in entry) == ("paraphrase" in entry):
        errors.append(RuleError(where, f"reading '{rid}' needs its words as exactly one of 'quote' (verbatim from "
                                       "the source) or 'paraphrase' (never shown as a quote); it gives "
                                       + ("both" if "quote" in entry else "neither")))
        return
    fields = tuple(f for f in OVERRIDES if f in entry)
    if not fields:
        errors.append(RuleError(where, f"reading '{rid}' reads nothing otherwise: give at least one of "
                                       f"{', '.join(OVERRIDES)}"))
        return
    kind = kind_of(versions[0])
    for name in fields:
        needs = _FOR.get(name)
        if needs is not None and not getattr(kind, needs):
            errors.append(RuleError(where, f"reading '{rid}': '{name}' has no meaning for a '{kind.name}' rule"))
            return
    if rid in found and found[rid]["first"][1]["whose"] != entry["whose"]:
        other = found[rid]["first"][0]
        errors.append(RuleError(where, f"reading '{rid}' is {entry['whose']!r}'s here and "
                                       f"{found[rid]['first'][1]['whose']!r}'s on '{other.id}' ({other.file}:"
                                       f"{other.line}): one reading id, one reader"))
        return
    slot = found.setdefault(rid, {"first": (spec, entry), "changes": {}, "versions": []})
    slot["changes"][spec.id] = fields
    problems: List[RuleError] = []
    for version in versions:
        version_spec, amended = made[version.version]
        read = attrs.evolve(version_spec, **{name: entry[name] for name in fields})
        built = build_rule(read, amended, agreement, signed, problems)
        if built is None:
            continue
        if "due" in fields and entry["due"] is None:  # no date under this reading: an undertaking
            built = attrs.evolve(built, due=None, due_note=None, due_after_trigger=None, due_from=None)
        slot["versions"].append(attrs.evolve(built, version=f"{version.version}{SEPARATOR}{rid}",
                                             effective_from=version.effective_from,
                                             effective_until=version.effective_until))
    for problem in problems:
        errors.append(RuleError(Location(spec.file, spec.key_lines.get("readings", spec.line), problem.location.field),
                                f"reading '{rid}': {problem.message}"))
