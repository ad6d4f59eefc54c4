"""Every agreement over one export at once (issue 27): `evaluate_many`.

A user with one global export (ACLED's history, a UCDP download) and several agreements wants every
agreement's report from one read of it, each agreement seeing only the rows of its `area:` and `period:`
(agreement.yaml). This package sits above `api` (it evaluates each agreement with `api.evaluate`) and below
`cli`: `processes` runs the agreements in worker processes on this machine, `on_dask` on a Dask cluster
(the `dask` extra), `options` is what both ship to a worker. docs/many-agreements.md is the user's guide.
"""
from __future__ import annotations

import datetime as dt
from typing import Dict, Iterable, Optional, Sequence

from doha_compliance import api
from doha_compliance.errors import AgreementsFailed
from doha_compliance.models import Agreement, SourceCoverage
from doha_compliance.report.report import Report

from .options import Options

__all__ = ["Options", "evaluate_many"]


def evaluate_many(agreements: Sequence[Agreement], events: Iterable[api.EventInput], *,
                  as_of: Optional[dt.date] = None, engine: Optional[str] = None, jobs: Optional[int] = None,
                  scheduler: Optional[object] = None, max_errors: Optional[int] = None, lateness_days: int = 0,
                  coverage: Optional[Iterable[SourceCoverage]] = None) -> Dict[str, Report]:
    """Every agreement's report over one input, by agreement id in the order given.

    Each agreement gets the rows of its declared area and period (the others are counted in
    `report.inputs.outside`), and its report is the one `evaluate(agreement, events, ...)` gives on its
    own, byte for byte. The input is read once. `jobs`: the cores of this machine to use (default: the
    cores this process may use; 1: in this process; on Linux up to twice that many worker processes
    share them, see `processes.plan`). `scheduler`: a Dask scheduler (a
    `distributed.Client` or its address) to run on instead (the `dask` extra; `jobs` is then unused).
    Call it under `if __name__ == "__main__":` in a script: the worker processes import the main module.

    An agreement that cannot be evaluated (too many rejected rows with `max_errors`, an engine that
    cannot run) does not stop the others: AgreementsFailed is raised at the end, with each failure in
    words (`errors`) and the reports that were made (`reports`)."""
    agreements = _checked(agreements, events, as_of, engine, jobs, lateness_days, max_errors)
    options = Options(as_of=as_of, engine=engine, max_errors=max_errors, lateness_days=lateness_days,
                      coverage=api._declared(coverage))
    if scheduler is not None:
        from .on_dask import outcomes_on_dask  # dask itself is imported there, only when used
        outcomes = outcomes_on_dask(agreements, events, options, scheduler)
    else:
        from . import processes
        outcomes = processes.run(agreements, events, options, jobs)
    failed = {name: outcome for name, outcome in outcomes.items() if isinstance(outcome, str)}
    made = {name: outcome for name, outcome in outcomes.items() if isinstance(outcome, Report)}
    if failed:
        raise AgreementsFailed(failed, dict(made))
    return made


def _checked(agreements: object, events: object, as_of: object, engine: object, jobs: object,
             lateness_days: object, max_errors: object) -> Sequence[Agreement]:
    """A clear TypeError/ValueError before any row is read."""
    if isinstance(agreements, Agreement) or not isinstance(agreements, Sequence) or isinstance(agreements, str):
        raise TypeError("evaluate_many's first argument is a list of rule sets from load_rules, got "
                        f"{type(agreements).__name__}")
    if not agreements:
        raise ValueError("evaluate_many needs at least one rule set")
    seen: Dict[str, str] = {}
    for agreement in agreements:
        api._check_arguments(agreement, events, as_of, engine, lateness_days, max_errors)
        assert isinstance(agreement, Agreement)
        if agreement.id in seen:
            raise ValueError(f"two rule sets have the id {agreement.id!r} ({seen[agreement.id]} and "
                             f"{agreement.folder or 'a rule set in memory'}): each report is named by its id")
        seen[agreement.id] = agreement.folder or "a rule set in memory"
    if jobs is not None and (not isinstance(jobs, int) or isinstance(jobs, bool) or jobs < 1):
        raise ValueError(f"jobs is a whole number of processes, 1 or more, got {jobs!r}")
    from doha_compliance.matching.durable import deciders
    deciders.resolve(engine if isinstance(engine, str) else None)  # EngineUnavailable once, not per agreement
    return list(agreements)
