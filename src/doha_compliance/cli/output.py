"""Where a report may be written, and what reaches a terminal.

A report replaces the file it is written to, so `--output` is checked before any work: never an
input of the run, a folder, a symbolic link, a device or a read-only file.

What reaches a terminal goes through one place, `say` (messages and listings) and `write_report`
(a report on stdout): control characters (an ESC starts a terminal escape sequence; a CR rewrites
the line) are written as `\\x1b` and the like — on stderr always, on stdout when it is a terminal.
Output into a file or a pipe keeps its bytes (text and explain are inert there too, by design of
their renderers)."""
from __future__ import annotations

import argparse
import os
import stat
import sys
from typing import IO, Iterable, Iterator, Optional

from doha_compliance import bundled
from doha_compliance._util.output import write_output
from doha_compliance.errors import ComplianceError
from doha_compliance.intake import sources
from doha_compliance.intake.exports import mapping_file
from doha_compliance.renderers import Writer
from doha_compliance.renderers.text import inert

__all__ = ["inert", "inert_lines", "input_files", "inert_stream", "output_folder", "output_target", "say",
           "write_report"]


def input_files(args: argparse.Namespace) -> Iterator[str]:
    """Every file the run reads: event files, every file of the rule folder, the mapping and the
    gazetteer it names (the package's own files are refused as a whole: see `_protected`)."""
    yield from (name for name in args.events if name != sources.STDIN)
    if args.mapping:
        yield from mapping_file.files_named(args.mapping)
    for folder in ([args.rules] if isinstance(args.rules, str) else args.rules):  # `report`: one or more
        if os.path.isdir(folder):
            yield from (os.path.join(folder, name) for name in os.listdir(folder))
            if not args.mapping:  # issue 27: the rule set's own export mappings, and the gazetteers they name
                for path in mapping_file.rule_set_mappings(folder).values():
                    yield from mapping_file.files_named(path)


def _protected() -> Iterator[str]:
    """Folders no report is written into: the installed package (its mappings, schemas, templates)
    and the bundled rule sets and examples."""
    yield str(bundled.PACKAGE)
    root = bundled.data_root()
    if root is not None:
        yield from (str(root / kind) for kind in ("rules", "examples"))


def _same(path: str, name: str) -> bool:
    """The two names are one file: compared by real path (links resolved), and by inode where both exist."""
    if os.path.realpath(path) == os.path.realpath(name):
        return True
    try:
        return os.path.samefile(path, name)
    except OSError:
        return False


def output_target(path: Optional[str], inputs: Iterable[str], option: str = "--output") -> Optional[str]:
    """The file --output names, checked before any work: None for stdout. A report replaces the
    file it is written to, so an input file, a folder, a device, a pipe, a read-only file or a
    symbolic link (the link would be replaced, not the file it points to) are refused. `option`:
    how the message names where the path came from (`--output-dir DIR`: a report's file in it)."""
    if path is None or path == "-":
        return None
    where = f"{option} {path}" if option == "--output" else f"{option}: {path}"
    if not path or path.endswith(os.sep):
        raise ComplianceError(f"{where}: name a file to write the report to")
    try:
        st: Optional[os.stat_result] = os.lstat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise ComplianceError(f"{where}: {exc.strerror}") from None
    if st is not None:
        if stat.S_ISLNK(st.st_mode):
            raise ComplianceError(f"{where}: is a symbolic link; writing the report would replace the link: name the "
                                  f"file it points to ({os.path.realpath(path)}) or another file")
        if stat.S_ISDIR(st.st_mode):
            raise ComplianceError(f"{where}: is a folder; name a file (e.g. {os.path.join(path, 'report.txt')})")
        if not stat.S_ISREG(st.st_mode):
            raise ComplianceError(f"{where}: is not a regular file (a device, a pipe or a socket) and would be "
                                  "replaced by one; write to a file, or to stdout (- or no --output)")
        for name in inputs:
            if _same(path, name):
                raise ComplianceError(f"{where}: is an input of this run ({name}); the report would replace it: "
                                      "choose another file")
        if not st.st_mode & 0o222:
            raise ComplianceError(f"{where}: the file is read-only; choose another file or make it writable")
    real = os.path.realpath(path)
    for package in _protected():
        if os.path.commonpath([real, os.path.realpath(package)]) == os.path.realpath(package):
            raise ComplianceError(f"{where}: is inside the installed package's own files ({package}); the "
                                  "report would replace or add to them: write it elsewhere")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ComplianceError(f"{where}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ComplianceError(f"{where}: cannot write in the folder {folder} (permission denied)")
    return path


def output_folder(path: str) -> str:
    """The folder --output-dir names (issue 27), checked before any work and made if it does not exist
    (its parent must): never a file, a link to elsewhere is followed as any folder path is."""
    where = f"--output-dir {path}"
    if not path:
        raise ComplianceError(f"{where}: name a folder to write the reports into")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ComplianceError(f"{where}: is a file, not a folder; name a folder (one report per agreement "
                              "is written into it)")
    if not os.path.exists(path):
        parent = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(parent):
            raise ComplianceError(f"{where}: the folder {parent} does not exist")
        try:
            os.mkdir(path)
        except OSError as exc:
            raise ComplianceError(f"{where}: cannot make the folder: {exc.strerror or exc}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ComplianceError(f"{where}: cannot write in the folder (permission denied)")
    return path


def write_report(write: Writer, path: Optional[str]) -> None:
    """The report to --output (its bytes as the format makes them), or to stdout: inert on a terminal."""
    if path is None and is_terminal(sys.stdout):
        write = _inert_writer(write)
    try:
        write_output(write, path)
    except BrokenPipeError:
        raise
    except OSError as exc:
        target = path or "stdout"
        raise ComplianceError(f"cannot write the report to {target}: {exc.strerror or exc}") from None


def inert_lines(text: str) -> str:
    """Multi-line text for a terminal: each line made inert, the line breaks kept."""
    return "".join(inert(line) + "\n" for line in text.splitlines())


def is_terminal(stream: object) -> bool:
    """Whether the stream is a terminal (a closed or odd stream is not)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (ValueError, OSError):
        return False


def say(text: str = "", err: bool = False, end: str = "\n") -> None:
    """Every line the command line writes, but a report: on stdout, or on stderr with `err`.

    Inert on stderr always (a message quotes file names, header cells, ids) and on stdout when it
    is a terminal; stdout into a file or a pipe gets the text as it is (`mapping check --format
    json > file` keeps its bytes)."""
    stream = sys.stderr if err else sys.stdout
    if err or is_terminal(stream):
        text = inert(text)
    stream.write(text + end)


class _Inert:
    """A text file object passing what is written on to `fh`, control characters made inert (one
    character at a time, so a sequence split across two writes is caught all the same)."""

    def __init__(self, fh: IO[str]):
        self.fh = fh

    def write(self, text: str) -> int:
        return self.fh.write(inert(text))

    def writelines(self, lines: Iterable[str]) -> None:
        self.fh.writelines(inert(line) for line in lines)

    def flush(self) -> None:
        self.fh.flush()

    def isatty(self) -> bool:
        return False  # so nothing (argparse's colours) writes escape sequences that would show as text


def inert_stream(fh: IO[str]) -> IO[str]:
    """A text file object for code that writes by itself (argparse's usage errors): inert text to `fh`."""
    return _Inert(fh)  # type: ignore[return-value]  # write, writelines, flush, isatty: all argparse uses


def _inert_writer(write: Writer) -> Writer:
    return lambda fh: write(_Inert(fh))  # type: ignore[arg-type]  # _Inert is the text file a writer uses
