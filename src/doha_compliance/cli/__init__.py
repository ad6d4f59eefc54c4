"""The `doha-compliance` command. Exit status: 0 fine, 1 --fail-on matched, 2 unusable input.

The command line only parses arguments and calls the library: `parser` (the grammar), `commands`
(one function a command), `output` (where a report may be written; terminal-safe text),
`progress` (the progress bar). This module runs a command and turns what ends it (an error, a
signal, a closed pipe) into one line and an exit status."""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import traceback
from types import FrameType
from typing import List, Optional

from doha_compliance._util.output import write_output
from doha_compliance.errors import ComplianceError, RuleSetError

from .commands import COMMANDS
from .output import inert_stream, say
from .parser import build_parser
from .progress import WithProgress as _WithProgress
from .progress import with_progress
from .shared import EXIT_INPUT

EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + SIGINT, SIGPIPE, SIGTERM

# main is the console script; the others are where tests (test_formats, test_bad_events) find them
__all__ = ["main", "_WithProgress", "with_progress", "write_output"]


class _Terminated(BaseException):
    """SIGTERM, raised where the program is so that cleanup (temporary files) runs as for Ctrl-C."""


def _on_sigterm(signum: int, frame: Optional[FrameType]) -> None:
    raise _Terminated()


def _quiet_stdout() -> None:
    """After a broken pipe: point stdout at /dev/null, so the final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Optional[List[str]] = None) -> int:
    """Run the command: SIGTERM and Ctrl-C end it with one line (no traceback, no temporary file
    left beside --output); a reader that stops reading (`| head -1`) ends it quietly."""
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if in_main_thread else None
    try:
        return _main(argv)
    except KeyboardInterrupt:
        say("doha-compliance: interrupted", err=True)
        return EXIT_INTERRUPTED
    except _Terminated:
        say("doha-compliance: terminated", err=True)
        return EXIT_TERMINATED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Optional[List[str]]) -> int:
    parser = build_parser()
    with contextlib.redirect_stderr(inert_stream(sys.stderr)):  # a usage error quotes what was typed
        args = parser.parse_args(argv)
    try:
        command = COMMANDS.get(args.command)
        if command is None:
            parser.error(f"unknown command {args.command}")
        return command(args)
    except RuleSetError as exc:
        say(f"doha-compliance: the rule set cannot be used ({len(exc.errors)} problem"
            f"{'s' if len(exc.errors) != 1 else ''}):", err=True)
        for error in exc.errors:
            say(f"  {error}", err=True)
        if args.debug:
            traceback.print_exc()
        return EXIT_INPUT
    except ComplianceError as exc:
        say(f"doha-compliance: {exc}", err=True)
        if args.debug:
            traceback.print_exc()
        return EXIT_INPUT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
