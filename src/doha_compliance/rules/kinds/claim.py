"""The `claim` kind: its matching events are one party's claims about another (the `accused_field`),
weighed against the findings of a lookback window; it owes nothing itself."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="claim", requires=("when",), allows=("lookback_days", "accused_field"), claim=True)
