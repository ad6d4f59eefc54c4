"""The `deadline` kind: something to be done by a due date (`fulfilled_by`, `due`): met, pending
or missed, judged as a whole from its first version on; other rules may start when it is fulfilled."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="deadline", requires=("fulfilled_by",), allows=("due", "fulfilled_by", "depends_on"), deadline=True)
