"""Episodes (issue 24, commitment-semantics §5.10): the acts a count should not multiply.

One battle is recorded as several acts (a city attacked, entered, taken); counted one a finding, it
reads as several breaches. An episode groups the act findings of one rule and party with the same
status at one place (the province, else the place), each act at most `WINDOW_DAYS` after the one
before it; or, when an act's event carries an `episode:` label, every act of that rule, party and
status with the same label, wherever and whenever. An episode is named by its first finding's id
(`rule/party/first-act`), or for a label `rule/party/episode:<label>`: both stay the same whatever
the report date. An act with neither a place nor a label is an episode of its own.

Findings arrive in event time (`Judge.take`, a day at a time), so one open episode per key is
remembered, and forgotten once its window has passed: memory follows the places active in the last
few days, not the stream.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, Tuple

from doha_compliance._util.fast import replacer
from doha_compliance.models import Event, Finding

WINDOW_DAYS = 3  # DECISION: consecutive acts at most 3 days apart are one episode
LABEL = "episode"  # the event field naming an episode (validated by intake/fields_episodes.py)
_with_episode = replacer(Finding, "episode")  # attrs.evolve(f, episode=...) at a third of its cost: every act has one


class Episodes:
    def __init__(self) -> None:
        self._open: Dict[Tuple[str, str, str, str], Tuple[dt.date, str]] = {}

    def of(self, finding: Finding, act: Event) -> Finding:
        """The finding with its episode."""
        label = act.extra.get(LABEL)
        if label:
            return _with_episode(finding, f"{finding.rule}/{finding.party}/episode:{label}")
        place = act.province or act.place
        if not place:
            return _with_episode(finding, finding.id)
        key = (finding.rule, finding.party, finding.status, place)
        last = self._open.get(key)
        episode = last[1] if last is not None and (act.date - last[0]).days <= WINDOW_DAYS else finding.id
        self._open[key] = (act.date, episode)
        return _with_episode(finding, episode)

    def forget_before(self, day: dt.date) -> None:
        """Close the episodes no act on or after `day` can join."""
        cut = day - dt.timedelta(days=WINDOW_DAYS)
        for key in [k for k, (last, _) in self._open.items() if last < cut]:
            del self._open[key]
