"""The `prohibited` kind: every act matching `when` (within `scope`) while in force is a violation."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="prohibited", requires=("when",), allows=("scope",), continuing=True)
