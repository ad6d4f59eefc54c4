"""A progress bar on stderr while a long input is read, and only when stderr is a terminal."""
from __future__ import annotations

import sys
from typing import Generic, Iterable, Iterator, Optional, Sequence, TextIO, Tuple, TypeVar

from doha_compliance import api
from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Agreement, SourceCoverage

T = TypeVar("T")

PROGRESS_AFTER = 100_000


def with_progress(rows: Iterable[T], after: int = PROGRESS_AFTER, stream: Optional[TextIO] = None) -> Iterator[T]:
    """Pass rows through; past `after` rows, show a progress bar on stderr — only if it is a terminal."""
    stream = stream or sys.stderr
    if not stream.isatty():
        yield from rows
        return
    from rich.console import Console
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
    progress = None
    task = None
    try:
        for n, row in enumerate(rows, start=1):
            if n == after:
                progress = Progress(SpinnerColumn(), TextColumn("reading events: {task.completed:,} rows"),
                                    TimeElapsedColumn(), console=Console(file=stream), transient=True)
                progress.start()
                task = progress.add_task("read", total=None, completed=n)
            elif progress is not None and task is not None and n % 5000 == 0:
                progress.update(task, completed=n)
            yield row
    finally:
        if progress is not None:
            progress.stop()


class WithProgress(Generic[T]):
    """A re-readable source whose every reading shows the progress bar (so ordered input still streams)."""

    reiterable = True

    def __init__(self, source: Iterable[T]):
        self.source = source

    def __iter__(self) -> Iterator[T]:
        return with_progress(iter(self.source))

    def declared(self) -> Tuple[SourceCoverage, ...]:
        """What the source's files declare they cover (issue 24), handed on."""
        found = getattr(self.source, "declared", None)
        return tuple(found()) if callable(found) else ()

    def for_agreement(self, agreement: Agreement) -> "WithProgress[T]":
        """The source as the agreement reads it (`api.EventSource.for_agreement`), with the progress bar."""
        found = getattr(self.source, "for_agreement", None)
        return WithProgress(found(agreement)) if callable(found) else self

    def each(self, agreements: Sequence[Agreement]) -> Tuple[Tuple[api.EventSource, ...], Iterator[Tuple[RawRow, ...]]]:
        """The source read once for several agreements (`api.EventSource.each`), with the progress bar."""
        assert isinstance(self.source, api.EventSource), "each: the source of a command is an EventSource"
        views, rows = self.source.each(agreements)
        return views, with_progress(rows)


class AgreementBars:
    """`report` with several rule sets (issue 27): a progress bar per agreement on stderr — only if it is
    a terminal — each counting the rows of its share evaluated so far, out of its share (known once the
    input has been read). Thread-safe: worker processes' messages arrive on a thread of their own."""

    def __init__(self, stream: Optional[TextIO] = None):
        self.stream = stream or sys.stderr
        self.progress: Optional[object] = None
        self.tasks: dict[str, object] = {}

    def start(self, shares: Iterable[Tuple[str, int, int]]) -> None:
        """(agreement id, its rows, rows outside its area) for each agreement."""
        if not self.stream.isatty():
            return
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
        progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), console=Console(file=self.stream), transient=True)
        progress.start()
        for name, rows, outside in shares:
            self.tasks[name] = progress.add_task(f"{name} ({outside:,} outside its area)", total=max(rows, 1))
        self.progress = progress

    def update(self, name: str, done: int) -> None:
        from rich.progress import Progress, TaskID
        if isinstance(self.progress, Progress) and name in self.tasks:
            task = self.tasks[name]
            if isinstance(task, int):
                self.progress.update(TaskID(task), completed=done)

    def stop(self) -> None:
        from rich.progress import Progress
        if isinstance(self.progress, Progress):
            self.progress.stop()
        self.progress = None
