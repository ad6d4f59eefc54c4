"""Honest counts (issue 24, commitment-semantics §5.10): per party and status, how many findings, in
how many episodes, and how many once an act breaching several rules is counted once; split by the
rule's basis (public text or reported terms) and modality.

One pass over the findings in report order, in bounded memory: an episode is counted at its first
finding (the one whose id names it), a labelled episode once (labels are few: the analyst writes
them), and a fact breaching several rules once among the findings of its date (DECISION: the same
fact is the same first evidence event, for the same party and status; the findings it gives share a
date -- an act's day, or the due day of deadlines it shows unmet -- and come in date order).
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, Iterable, List, Optional, Set, Tuple

import attrs

from doha_compliance.models import STATUSES, Finding, shown_statuses

ALL = "all"  # the basis and modality of a party's totals

Group = Tuple[str, str]  # (basis, modality)


@attrs.define
class Cell:
    findings: int = 0
    episodes: int = 0
    distinct: int = 0  # the findings, an act breaching several rules counted once

    def to_dict(self) -> Dict[str, int]:
        return {"findings": self.findings, "episodes": self.episodes, "distinct": self.distinct}


class Tally:
    """Feed each finding (`add`), in report order; read `table`."""

    def __init__(self, basis_of: Callable[[str], str]):
        self._basis_of = basis_of  # a rule version's basis
        self.cells: Dict[str, Dict[Group, Dict[str, Cell]]] = {}
        self._labels: Set[Tuple[Group, str, str]] = set()
        self._day: Optional[dt.date] = None
        self._acts: Set[Tuple[Group, str, str, str]] = set()  # (group, party, status, act) of the day

    def add(self, f: Finding) -> None:
        if f.date != self._day:
            self._day, self._acts = f.date, set()
        groups = ((ALL, ALL), (self._basis_of(f.version), f.modality))
        party = self.cells.setdefault(f.party, {})
        for group in groups:
            cell = party.setdefault(group, {}).setdefault(f.status, Cell())
            cell.findings += 1
            if f.episode is None or f.episode == f.id:  # not an act, or an episode's first act
                cell.episodes += 1
            elif "/episode:" in f.episode and (group, f.status, f.episode) not in self._labels:  # a label, once
                self._labels.add((group, f.status, f.episode))
                cell.episodes += 1
            act = (group, f.party, f.status, f.evidence[0]) if f.evidence else None
            if act is None or act not in self._acts:
                cell.distinct += 1
                if act is not None:
                    self._acts.add(act)

    def of(self, party: str, status: str, group: Group = (ALL, ALL)) -> Cell:
        return self.cells.get(party, {}).get(group, {}).get(status) or Cell()

    def statuses(self) -> Tuple[str, ...]:
        """The statuses the per-party tables show: every one, but `prevented` (issue 25) only when some
        finding has it — a report of an agreement without `depends_on` keeps the table it always had."""
        return shown_statuses({s for groups in self.cells.values() for s, c in groups.get((ALL, ALL), {}).items()
                               if c.findings})

    def groups(self, party: str) -> List[Group]:
        return sorted(g for g in self.cells.get(party, {}) if g != (ALL, ALL))

    def to_dict(self, parties: Iterable[str]) -> Dict[str, Any]:
        """{party: {"all": {status: cell}, "by_basis": [{"basis", "modality", status: cell...}]}}, every
        status in the totals, only the statuses found in each basis and modality."""
        out: Dict[str, Any] = {}
        for party in parties:
            by_basis = []
            for basis, modality in self.groups(party):
                cells = self.cells[party][(basis, modality)]
                by_basis.append({"basis": basis, "modality": modality,
                                 "statuses": {s: cells[s].to_dict() for s in STATUSES if s in cells}})
            out[party] = {"all": {s: self.of(party, s).to_dict() for s in self.statuses()}, "by_basis": by_basis}
        return out


def cell_text(cell: Cell, distinct: bool = True) -> str:
    """How a count reads in a table: "28 (9 ep., 27 distinct)" when the episodes or distinct facts say
    less than the findings; the findings alone otherwise. (`distinct=False`: for a table too narrow,
    which says the distinct facts below it.)"""
    notes = []
    if cell.episodes != cell.findings:
        notes.append(f"{cell.episodes} ep.")
    if distinct and cell.distinct != cell.findings:
        notes.append(f"{cell.distinct} distinct")
    return f"{cell.findings} ({', '.join(notes)})" if notes else str(cell.findings)


def distinct_lines(tally: Tally, parties: Iterable[str]) -> List[str]:
    """For a table that shows only the episodes: where a fact breaching several rules makes the
    findings say more than the facts, one line a party ("us: violation 2 findings, 1 distinct fact")."""
    out = []
    for party in parties:
        said = [f"{s} {c.findings} findings, {c.distinct} distinct fact{'s' if c.distinct != 1 else ''}"
                for s in tally.statuses() for c in [tally.of(party, s)] if c.distinct != c.findings]
        if said:
            out.append(f"{party}: {'; '.join(said)} (one fact breaching several rules counted once)")
    return out
