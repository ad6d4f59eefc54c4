"""The `claimable` kind: a commitment no event type records, judged only through the claims naming it."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="claimable", through_claims=True)
