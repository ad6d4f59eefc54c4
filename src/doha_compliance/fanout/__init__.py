"""Every agreement over one export (issue 27).

A minimal stand-in in the dask branch (i27-dask) so that `evaluate_many(..., scheduler=...)` runs, with
the signature of helper H3's package (the local processes, --jobs), which replaces it at merge."""
from __future__ import annotations

import datetime as dt
from typing import Dict, Iterable, Optional, Sequence

from doha_compliance import api
from doha_compliance.errors import ComplianceError
from doha_compliance.models import Agreement, SourceCoverage
from doha_compliance.report.report import Report

from .options import Options

__all__ = ["Options", "evaluate_many"]


def evaluate_many(agreements: Sequence[Agreement], events: Iterable[api.EventInput], *,
                  as_of: Optional[dt.date] = None, engine: Optional[str] = None, jobs: Optional[int] = None,
                  scheduler: Optional[object] = None, max_errors: Optional[int] = None, lateness_days: int = 0,
                  coverage: Optional[Iterable[SourceCoverage]] = None) -> Dict[str, Report]:
    """Each agreement's report, keyed by its id, in the order given; on Dask when `scheduler` is given
    (a distributed Client, its address, or a local scheduler's name), else one after another here."""
    options = Options(as_of=as_of, engine=engine, max_errors=max_errors, lateness_days=lateness_days,
                      coverage=api._declared(coverage))
    if scheduler is not None:
        from .on_dask import outcomes_on_dask
        outcomes = outcomes_on_dask(agreements, events, options, scheduler)
        failed = {name: why for name, why in outcomes.items() if isinstance(why, str)}
        if failed:
            raise ComplianceError("; ".join(f"{name}: {why}" for name, why in failed.items()))
        return {name: report for name, report in outcomes.items() if isinstance(report, Report)}
    return {a.id: api.evaluate(a, events, as_of=as_of, engine=engine, max_errors=max_errors,
                               lateness_days=lateness_days, coverage=coverage) for a in agreements}
