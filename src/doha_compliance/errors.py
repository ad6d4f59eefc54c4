"""Typed errors that carry *where* the problem is.

Analysts fix their files, not our code: every error names the file, the line
(or CSV row) and the field, so the message can be acted on without a traceback.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Optional, Sequence

import attrs

if TYPE_CHECKING:  # only the type of a rejected row is read here
    from doha_compliance.models import Rejection


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
    """A problem at one place in an input file: `location` (file, line, field) and `message`."""

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


class TooManyRejections(EventError):
    """More events were rejected than `max_errors` allows: the run stopped, no report was made."""

    def __init__(self, rejected: Sequence[Rejection], read: int):
        self.rejected = rejected
        self.read = read
        last = rejected[-1]
        super().__init__(Location(last.where, None, last.field),
                         f"stopped after {len(rejected)} rejected events (--max-errors)")


class EngineUnavailable(ComplianceError):
    """The installed durable_rules lacks an internal this tool relies on."""


class FileProblem(ComplianceError):
    """A whole file cannot be read as text: too big, or not UTF-8 (with the line of the first bad byte)."""

    def __init__(self, line: Optional[int], message: str, size: Optional[int] = None):
        self.line = line
        self.message = message
        self.size = size  # set when the file is too big
        super().__init__(message)


class YamlProblem(ComplianceError):
    """A YAML text cannot be read as plain data (syntax, a duplicate key, an alias bomb): where and why."""

    def __init__(self, line: Optional[int], column: Optional[int], message: str):
        self.line = line
        self.column = column
        self.message = message
        super().__init__(message)


class PandasMissing(ImportError):
    """`Report.to_frame` needs pandas, an optional extra that is not installed."""


class AgreementsFailed(ComplianceError):
    """evaluate_many (issue 27): some agreements could not be evaluated (too many rejected rows, an engine
    that cannot run). `errors`: agreement id -> a one-line reason; `reports`: the agreements that were
    evaluated, by id, complete and usable."""

    def __init__(self, errors: "dict[str, str]", reports: "dict[str, object]"):
        self.errors = errors
        self.reports = reports
        super().__init__("; ".join(f"{name}: {reason}" for name, reason in errors.items()))
