"""The `conditional` kind: an act is permitted when an event justifies it within a window
(`justified_by`), a violation otherwise, unresolved when only the actor's word justifies it."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="conditional", requires=("when", "justified_by"), allows=("justified_by", "scope"),
            continuing=True, justifiable=True)
