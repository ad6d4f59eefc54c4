"""The `prevent` kind (issue 25, commitment-semantics §5.16): a duty to prevent acts — a conduct
obligation, judged on what the owing party did after each act, never on the act itself.

`when` names the acts to prevent: anyone's, including acts nobody claimed (`actor: unknown`) and the
acts of the actors the party answers for; `scope` narrows them (e.g. to the party's territory).
`answered_by: {when, within_days}` names the party's response (arrests, seizures, deployments,
statements; `$party` is the owing party). Each act is judged on its own: a response on its day or
within `within_days` after it -> `complied` (citing the response); none by the window's end ->
`unresolved` (no response recorded; never a violation); the window still open on the report date ->
`pending`. Judged by `judging/prevent.py` (the reference: `reference/prevent.py`)."""
from __future__ import annotations

from .base import Kind

KIND = Kind(name="prevent", requires=("when", "answered_by"), allows=("answered_by", "scope"), prevents=True)
