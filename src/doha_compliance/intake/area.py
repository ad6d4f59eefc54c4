"""Whether a row lies outside an agreement's declared area and period (issue 27).

A stub in the dask branch (i27-dask) so that fanout.on_dask runs: helper H3's module replaces it."""
from __future__ import annotations

from typing import Optional

from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Agreement


def outside(agreement: Agreement, row: RawRow) -> Optional[str]:
    """Why the row lies outside the agreement's area or period; None when it is inside (here: always)."""
    return None
