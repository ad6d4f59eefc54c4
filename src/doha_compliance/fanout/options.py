"""What every agreement of a fan-out is evaluated with: the arguments of api.evaluate other than the
rule set and the events, in one picklable value (shipped to worker processes and Dask workers)."""
from __future__ import annotations

import datetime as dt
from typing import Optional, Tuple

import attrs

from doha_compliance.models import SourceCoverage


@attrs.frozen
class Options:
    as_of: Optional[dt.date] = None
    engine: Optional[str] = None
    max_errors: Optional[int] = None
    lateness_days: int = 0
    coverage: Tuple[SourceCoverage, ...] = ()
