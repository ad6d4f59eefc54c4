"""The reference judge's contested readings (docs/commitment-semantics.md §5.11), written again
from the specification: each alternative reading is the whole agreement with that reading's
rules replaced by its versions, judged from scratch by the plain judge; a primary finding carries
the status of its counterpart under each reading where it differs (`no_finding` when there is
none), and each group of linked rules the order of first defaults under each reading."""
from __future__ import annotations

from typing import Any, Callable, Dict, List, Tuple

import attrs

from doha_compliance.models import Agreement, Reading
from doha_compliance.rules.kinds import kind_of

from ._plain import _finding_id


def read_as(agreement: Agreement, reading: Reading) -> Agreement:
    """The agreement under one reading: its rules read that way, everything else as written."""
    rules = [r for r in agreement.rules if r.id not in reading.changes] + list(reading.versions)
    return attrs.evolve(agreement, rules=tuple(rules), readings=(), primary_readings={})


def _theirs(f: Dict[str, Any], deadlines: List[str], reading: str) -> Tuple[str, ...]:
    """What a reading's (raw) finding is about: a deadline's unit; otherwise its id, with the
    reading's version name taken out of an anchor (`complied-<version>~<reading>-<day>`)."""
    if f["rule"] in deadlines and f["status"] != "alleged":  # an allegation is about its claim, not the unit
        # SPEC §5.15: one deadline per version judging one; the reading's version of the same version
        return (f["rule"], f["party"], f["version"].split("~")[0])
    found = _finding_id(f)
    if f["anchor"] is not None:  # complied-<version>~<reading>-<first day> names the primary version's span
        found = found.replace("~" + reading, "")
    return (found,)


def _span(f: Dict[str, Any]) -> Tuple[str, str]:
    """A complied finding's days (first, last), as text whatever form its dates are in."""
    return (str(f.get("span_start")), str(f["date"]))


def _ours(f: Dict[str, Any], deadlines: List[str]) -> Tuple[str, ...]:
    """What a primary (canonical) finding is about, in the same terms."""
    return (f["rule"], f["party"], f["version"]) if f["rule"] in deadlines and f["status"] != "alleged" else (f["id"],)


def with_readings(agreement: Agreement, primary: Dict[str, Any],
                  judge: Callable[[Agreement], Tuple[Dict[str, Any], List[Dict[str, Any]]]]) -> Dict[str, Any]:
    """`primary` (the canonical conclusions) with every finding's `readings` and every default
    group's `readings`; `judge(agreement)` gives the canonical conclusions of an agreement and its
    raw findings."""
    deadlines = sorted({r.id for r in agreement.rules if kind_of(r).deadline})
    for f in primary["findings"]:
        f["readings"] = []
    for reading in agreement.readings:
        theirs, raw = judge(read_as(agreement, reading))
        statuses = {}
        for f in raw:
            statuses[_theirs(f, deadlines, reading.id)] = (f["status"], _span(f))
        for f in primary["findings"]:
            other, span = statuses.get(_ours(f, deadlines), ("no_finding", None))
            # a complied span that the other reading cuts short differs too (issue 24: spans)
            if other != f["status"] or (other == "complied" and span != _span(f)):
                f["readings"].append({"reading": reading.id, "status": other})
        for group in primary["defaults"]:
            same_rules = [g for g in theirs["defaults"] if g["rules"] == group["rules"]]
            if not same_rules:
                continue
            same = same_rules[0]["parties"] == group["parties"]
            if same and not any(r in reading.changes for r in group["rules"]):
                continue
            group.setdefault("readings", []).append(
                {"reading": reading.id, "same": same, "parties": [] if same else same_rules[0]["parties"]})
    return primary
