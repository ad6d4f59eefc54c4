"""Every agreement over one export (issue 27).

A minimal stand-in in the dask branch (i27-dask) so that `evaluate_many(..., scheduler=...)` runs:
helper H3's package (the local processes, --jobs) replaces it at merge."""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Sequence

from doha_compliance import api
from doha_compliance.models import Agreement
from doha_compliance.report.report import Report

from .options import Options

__all__ = ["Options", "evaluate_many"]


def evaluate_many(agreements: Sequence[Agreement], events: Iterable[api.EventInput],
                  options: Optional[Options] = None, scheduler: object = None) -> Dict[str, Report]:
    """Each agreement's report, keyed by its id, in the order given; on Dask when `scheduler` is given."""
    options = options or Options()
    if scheduler is not None:
        from .on_dask import evaluate_on_dask
        return evaluate_on_dask(agreements, events, options, scheduler)
    return {a.id: api.evaluate(a, events, as_of=options.as_of, engine=options.engine,
                               max_errors=options.max_errors, lateness_days=options.lateness_days,
                               coverage=options.coverage) for a in agreements}
