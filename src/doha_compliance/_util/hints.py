"""The "did you mean" hint: one place, so every message about a misspelt name reads the same."""
from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(word: object, choices: Iterable[str]) -> str:
    """" (did you mean 'x'?)" for the closest of `choices`, or "" when none is close."""
    hint = difflib.get_close_matches(str(word), sorted(choices), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""
