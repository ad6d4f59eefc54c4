"""Typed errors that carry *where* the problem is.

Analysts fix their files, not our code: every error names the file, the line
(or CSV row) and the field, so the message can be acted on without a traceback.
"""
from __future__ import annotations

from typing import Iterable, Optional

import attrs


@attrs.frozen
class Location:
    """A place in an input file; line is 1-based, None when unknown."""

    file: str
    line: Optional[int] = None
    field: Optional[str] = None

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.field}" if self.field else where

    @property
    def where(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


class ComplianceError(Exception):
    """Base class: a user-facing problem with the inputs (never a bug)."""


class LocatedError(ComplianceError):
    def __init__(self, location: Location, message: str):
        self.location = location
        self.message = message
        super().__init__(f"{location}: {message}")


class RuleError(LocatedError):
    """A rule file cannot be used as written."""


class EventError(LocatedError):
    """An event row cannot be evaluated as written."""


class RuleSetError(ComplianceError):
    """All the problems found in a rule set, reported together so one run fixes many."""

    def __init__(self, errors: Iterable[RuleError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))


class InputFileError(ComplianceError):
    """An input file is missing or unreadable as a whole."""
