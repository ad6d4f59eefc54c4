"""Writing a report: to stdout, or atomically to a file, so that a failed run never leaves half a report.

Shared by the library's `render(report, fmt, file=path)` and the command line (which first checks
that the target is no input of the run: see cli/)."""
from __future__ import annotations

import os
import stat
import sys
import tempfile
from typing import IO, Callable, Optional, Union

Writer = Callable[[IO[str]], object]  # writes the report to a text file; what it returns is not read


def _mode_for(path: str) -> int:
    """The mode the report gets: an existing file's own (a 0600 report stays 0600), else an ordinary
    file's under the umask (mkstemp makes 0600)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def write_output(text: Union[str, Writer], path: Optional[str]) -> None:
    """Write to stdout, or atomically to a file: a failed run never leaves half a report.

    `text` is a string, or a function that writes to a file object (a large report streams)."""
    write = text if callable(text) else (lambda fh: fh.write(text))
    if not path:
        reconfigure = getattr(sys.stdout, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")  # a file name that is not UTF-8 is shown, not a crash
        write(sys.stdout)
        return
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".doha-compliance-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="backslashreplace") as fh:
            write(fh)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
