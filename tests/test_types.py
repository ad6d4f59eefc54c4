"""Types that tell the truth (issue 17): a report's long lists are real sequences, the package says
it is typed, and mypy accepts the source (the mypy run itself is in .ci/run)."""
from __future__ import annotations

import collections.abc
from importlib import resources

import doha_compliance as dc
from doha_compliance._util import spool
from doha_compliance.rules.kinds.level import SeriesRow
from doha_compliance.report.scores import Score

from conftest import ev


def test_a_spool_is_a_sequence_on_disk_or_not(monkeypatch):
    monkeypatch.setattr(spool, "LIMIT", 3)
    s = spool.Spool(range(10), batch=4).finish()
    assert isinstance(s, collections.abc.Sequence) and s.spilled == 7
    assert s[2:8:2] == (2, 4, 6) and s[-1] == 9 and list(reversed(s)) == list(range(9, -1, -1))
    assert 7 in s and 11 not in s and s.index(8) == 8 and s.count(5) == 1
    assert s == tuple(range(10)) and s == list(range(10)) and s != tuple(range(9))


def test_a_reports_lists_hold_what_their_types_say(doha):
    rows = [ev("a", "2020-10-10", "attack", "taliban", location_kind="city"),
            ev("bad", "2020-10-11", "attack", "nobody")]
    report = dc.evaluate(doha, rows)
    for name, kind in (("findings", dc.Finding), ("claims", dc.Claim), ("events", dc.Event),
                       ("rejected", dc.Rejection)):
        value = getattr(report, name)
        assert isinstance(value, collections.abc.Sequence), name
        assert all(isinstance(item, kind) for item in value), name
    assert report.findings and report.events and report.rejected
    assert all(isinstance(r, Score) for r in report.scores) and report.scores
    assert all(isinstance(r, SeriesRow) for r in report.series)


def test_the_package_says_it_is_typed():
    assert resources.files("doha_compliance").joinpath("py.typed").is_file()
