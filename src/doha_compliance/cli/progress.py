"""A progress bar on stderr while a long input is read, and only when stderr is a terminal."""
from __future__ import annotations

import sys
from typing import Generic, Iterable, Iterator, Optional, TextIO, Tuple, TypeVar

from doha_compliance.models import SourceCoverage

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
