"""The `doha-compliance` command. Exit status: 0 fine, 1 --fail-on matched, 2 unusable input."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import shlex
import signal
import stat
import sys
import threading
import traceback
from types import FrameType
from typing import Callable, Generic, Iterable, Iterator, List, Optional, TextIO, TypeVar

from doha_compliance import __version__, api, bundled
from doha_compliance._util.hints import did_you_mean
from doha_compliance._util.limits import MAX_WINDOW_DAYS
from doha_compliance._util.output import write_output
from doha_compliance._util.values import iso_day
from doha_compliance.errors import ComplianceError, RuleSetError, TooManyRejections
from doha_compliance.intake import sources
from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Agreement, Event, Rejection
from doha_compliance.renderers import FORMATS, Writer, writer
from doha_compliance.renderers.text import inert

T = TypeVar("T")
EXIT_OK, EXIT_FAIL_ON, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED, EXIT_BROKEN_PIPE, EXIT_TERMINATED = 130, 141, 143  # 128 + SIGINT, SIGPIPE, SIGTERM



def _date(text: str) -> dt.date:
    try:
        return iso_day(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _whole(low: int, high: Optional[int] = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"must be {low} or more" + (f" and at most {high:,}" if high else "")
                                             + f", got {value}")
        return value
    return parse


def _evaluation_arguments(command: argparse.ArgumentParser) -> None:
    """What `report` and `explain` both need: the rule set, the events, the report date."""
    command.add_argument("--rules", required=True, type=_rules_argument, help=_rules_help())
    command.add_argument("--events", required=True, action="append", type=_events_argument,
                         help="event file (.yaml .json .jsonl .csv, or an ACLED/UCDP export), or example:NAME "
                              "for a bundled example's events (see: doha-compliance example), or - for "
                              "stdin (with --events-format); repeatable")
    command.add_argument("--as-of", type=_date, help="report date YYYY-MM-DD (default: the latest event's date)")
    command.add_argument("--events-format", choices=sources.ALL_FORMATS,
                         help="format of the event files (default: from the file name; ACLED/UCDP CSV by header)")
    command.add_argument("--mapping", help="YAML mapping for ACLED/UCDP exports (default: the shipped one)")


def _rules_help() -> str:
    names = ", ".join(bundled.rule_sets()) or "none installed"
    return (f"rule set: a bundled one by name ({names}; see: doha-compliance rules list) or a rule folder "
            "(e.g. rules/doha); a folder here named like a bundled set wins over it")


def _rules_argument(text: str) -> str:
    """--rules and `rules check|list`: a bundled set's name, resolved to its folder, or a folder path."""
    try:
        return bundled.resolve_rules(text)
    except ComplianceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _events_argument(text: str) -> str:
    """--events: a file path, or example:NAME for a bundled example's event file."""
    try:
        return bundled.resolve_events(text)
    except ComplianceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _events(args: argparse.Namespace) -> "api.EventSource":
    return api.read_events(*args.events, fmt=args.events_format, mapping=args.mapping)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doha-compliance", description="Check dated events against a peace agreement's commitments.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="A first report, on a bundled example with the bundled Doha rule set:\n"
               "  doha-compliance report --rules doha --events example:oct2020 --as-of 2020-10-31")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="evaluate events against a rule set and print a compliance report")
    _evaluation_arguments(rep)
    rep.add_argument("--lateness", type=_whole(0, MAX_WINDOW_DAYS), default=0, metavar="DAYS",
                     help="how many days behind the latest event an event may arrive and still stream through "
                          "(default 0); a stream more out of order is sorted on disk first")
    rep.add_argument("--format", choices=FORMATS, default="text")
    rep.add_argument("--table", choices=("findings", "scores", "series"),
                     help="with --format csv: which table (default findings, one row each; scores: every commitment's "
                          "score by month; series: every judged period of the level rules)")
    rep.add_argument("--output", help="write the report to this file (atomically) instead of stdout (- is stdout); "
                                      "never an input file, a folder, a symbolic link or a device")
    rep.add_argument("--party", action="append", help="only findings for this party; repeatable")
    rep.add_argument("--rule", action="append", help="only findings of this rule id; repeatable")
    rep.add_argument("--strict", action="store_true", help="exit 2 if any event is rejected")
    rep.add_argument("--max-errors", type=_whole(1), help="stop after this many rejected events (exit 2)")
    rep.add_argument("--fail-on", choices=("violation", "alleged"), help="exit 1 if a finding has this status")
    rep.add_argument("--engine", choices=("durable", "reference"), default="durable",
                     help="evaluator: durable_rules (default) or the plain-Python reference, an oracle "
                          "for checking it that holds every event in memory and is slow on large streams")
    exp = sub.add_parser("explain", help="why a finding has its status, or what an event counted for")
    exp.add_argument("key", metavar="FINDING-or-EVENT-ID", help="a finding id (rule/party/anchor) or an event id")
    _evaluation_arguments(exp)
    rules = sub.add_parser("rules", help="check or list a rule set without events")
    rules_sub = rules.add_subparsers(dest="rules_command", required=True)
    check = rules_sub.add_parser("check", help="validate a rule set; exit 2 listing every problem")
    check.add_argument("folder", metavar="NAME-or-FOLDER", type=_rules_argument, help=_rules_help())
    listing = rules_sub.add_parser("list", help="list the bundled rule sets; or, given one, its rules: "
                                                "ids, versions, parties, basis, sources")
    listing.add_argument("folder", metavar="NAME-or-FOLDER", nargs="?", type=_rules_argument,
                         help=_rules_help() + "; without it, the bundled sets")
    example = sub.add_parser("example", help="list the bundled examples; or, given one, where its files are "
                                             "and the commands that give its expected reports")
    example.add_argument("name", nargs="?", help="an example's name (e.g. oct2020)")
    mapping = sub.add_parser("mapping", help="check how an ACLED/UCDP export maps onto events")
    mapping_sub = mapping.add_subparsers(dest="mapping_command", required=True)
    mcheck = mapping_sub.add_parser("check", help="every actor name and event type of an export, its rows, and "
                                                  "what it maps to (a party, other, unknown)")
    mcheck.add_argument("file", help="an ACLED or UCDP CSV export")
    mcheck.add_argument("--mapping", help="YAML mapping (default: the shipped one for the export's format)")
    mcheck.add_argument("--events-format", choices=("acled", "ucdp"),
                        help="the export's format (default: from --mapping's 'format', or from the header)")
    mcheck.add_argument("--format", choices=("text", "json"), default="text")
    return parser


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


class _WithProgress(Generic[T]):
    """A re-readable source whose every reading shows the progress bar (so ordered input still streams)."""

    reiterable = True

    def __init__(self, source: Iterable[T]):
        self.source = source

    def __iter__(self) -> Iterator[T]:
        return with_progress(iter(self.source))


def _input_files(args: argparse.Namespace) -> Iterator[str]:
    """Every file the run reads: event files, the rule folder's files, the mapping."""
    yield from (name for name in args.events if name != sources.STDIN)
    if args.mapping:
        yield args.mapping
    if os.path.isdir(args.rules):
        yield from (os.path.join(args.rules, name) for name in os.listdir(args.rules))


def _output_target(path: Optional[str], inputs: Iterator[str]) -> Optional[str]:
    """The file --output names, checked before any work: None for stdout. A report replaces the
    file it is written to, so an input file, a folder, a device, a pipe, a read-only file or a
    symbolic link (the link would be replaced, not the file it points to) are refused."""
    if path is None or path == "-":
        return None
    where = f"--output {path}"
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
            try:
                same = os.path.samefile(path, name)
            except OSError:
                continue
            if same:
                raise ComplianceError(f"{where}: is an input of this run ({name}); the report would replace it: "
                                      "choose another file")
        if not st.st_mode & 0o222:
            raise ComplianceError(f"{where}: the file is read-only; choose another file or make it writable")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise ComplianceError(f"{where}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ComplianceError(f"{where}: cannot write in the folder {folder} (permission denied)")
    return path


def _write_report(write: Writer, path: Optional[str]) -> None:
    try:
        write_output(write, path)
    except BrokenPipeError:
        raise
    except OSError as exc:
        target = path or "stdout"
        raise ComplianceError(f"cannot write the report to {target}: {exc.strerror or exc}") from None


def _check_filters(agreement: Agreement, args: argparse.Namespace) -> None:
    """--party and --rule name what the rule set knows: checked before the evaluation, not after it."""
    for party in args.party or []:
        if party not in agreement.parties:
            raise ComplianceError(f"--party {party}: not a party of {agreement.id}"
                                  f"{did_you_mean(party, agreement.parties)} "
                                  f"({', '.join(sorted(agreement.parties))})")
    for rule in args.rule or []:
        if rule not in agreement.rule_ids():
            raise ComplianceError(f"--rule {rule}: not a rule of {agreement.id}"
                                  f"{did_you_mean(rule, agreement.rule_ids())}")


def _report(args: argparse.Namespace) -> int:
    if args.table and args.format != "csv":
        raise ComplianceError(f"--table {args.table} is for --format csv (the other formats show every table)")
    agreement = api.load_rules(args.rules)
    _check_filters(agreement, args)
    output = _output_target(args.output, _input_files(args))
    source: Iterable[RawRow] = _events(args)
    if sys.stderr.isatty():
        source = _WithProgress(source)

    def on_reject(r: Rejection) -> None:
        print(inert(f"rejected: {r.where}: {r.id or '-'}: {r.reason}"), file=sys.stderr)

    try:
        report = api.evaluate(agreement, source, as_of=args.as_of, engine=args.engine, on_reject=on_reject,
                              max_errors=args.max_errors, lateness_days=args.lateness)
    except TooManyRejections as exc:
        print(f"doha-compliance: stopped: {len(exc.rejected)} events rejected (--max-errors {args.max_errors}); "
              "no report written", file=sys.stderr)
        return EXIT_INPUT
    if args.party or args.rule:
        report = report.filtered(args.party, args.rule)
    if args.strict and report.rejected:
        print(f"doha-compliance: {len(report.rejected)} events rejected and --strict is set; no report written",
              file=sys.stderr)
        return EXIT_INPUT
    _write_report(writer(report, args.format, args.table), output)
    if args.fail_on and any(f.status == args.fail_on for f in report.findings):
        return EXIT_FAIL_ON
    return EXIT_OK


def inert_lines(text: str) -> str:
    """Multi-line text for a terminal: each line made inert, the line breaks kept."""
    return "".join(inert(line) + "\n" for line in text.splitlines())


def _explain(args: argparse.Namespace) -> int:
    from doha_compliance.report.explain import explain, explain_uncited
    agreement = api.load_rules(args.rules)
    source = _events(args)
    report = api.evaluate(agreement, source, as_of=args.as_of)
    try:
        sys.stdout.write(inert_lines(explain(report, args.key)))
        return EXIT_OK
    except KeyError:
        pass
    rejected = next((r for r in report.rejected if r.id == args.key), None)
    if rejected is not None:
        print(inert(f"event {args.key} was rejected at {rejected.where}: {rejected.reason}"))
        return EXIT_OK
    event = api.find_event(agreement, source, args.key)  # reads up to the event only, holding nothing else
    if isinstance(event, Event):
        sys.stdout.write(inert_lines(explain_uncited(report, event)))
        return EXIT_OK
    example = report.findings[0].id if report.findings else "rule/party/event"
    print(inert(f"doha-compliance: '{args.key}' is neither a finding id nor an event id in the input "
                f"(finding ids look like {example})"), file=sys.stderr)
    return EXIT_INPUT


def _rules(args: argparse.Namespace) -> int:
    if args.folder is None:
        return _list_rule_sets()
    agreement = api.load_rules(args.folder)
    if args.rules_command == "check":
        bases = len(agreement.rule_ids())
        print(f"{args.folder}: ok — {agreement.id}, {bases} rules, {len(agreement.rules)} versions, "
              f"{len(agreement.parties)} parties, {len(agreement.event_types)} event types")
        return EXIT_OK
    from doha_compliance.renderers.text import render_rules
    sys.stdout.write(render_rules(agreement))
    return EXIT_OK


def _list_rule_sets() -> int:
    """`rules list` without an argument: the bundled rule sets, each with its agreement and version."""
    sets = bundled.rule_sets()
    if not sets:
        print("doha-compliance: this installation has no bundled rule sets; pass a rule folder "
              "(doha-compliance rules list PATH)", file=sys.stderr)
        return EXIT_INPUT
    print("Bundled rule sets; use one with --rules NAME:")
    status = EXIT_OK
    for name, folder in sets.items():
        print()
        try:
            agreement = api.load_rules(folder)
        except RuleSetError as exc:
            print(f"{name}  cannot be used ({len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''}): "
                  f"see doha-compliance rules check {name}")
            status = EXIT_INPUT
            continue
        print(f"{name}  {agreement.id}, signed {agreement.signed}, {len(agreement.rule_ids())} rules "
              f"({len(agreement.rules)} versions), version {__version__}")
        print(f"    {agreement.title}")
        print(f"    {folder}")
    print()
    print("Its rules: doha-compliance rules list NAME · a folder of your own: doha-compliance rules list PATH")
    return status


def _example_rule_set(example: bundled.Example) -> str:
    """The bundled rule set an example's expected reports were made with (the only one, if it does not say)."""
    sets = bundled.rule_sets()
    for name, folder in sets.items():
        try:
            if example.agreement and api.load_rules(folder).id == example.agreement:
                return name
        except RuleSetError:
            continue
    return next(iter(sets), "RULES")


def _example(args: argparse.Namespace) -> int:
    """`example [NAME]`: where a bundled example's files are, and the commands to run it."""
    if args.name is None:
        found = bundled.examples()
        if not found:
            print("doha-compliance: this installation has no bundled examples", file=sys.stderr)
            return EXIT_INPUT
        width = max(len(name) for name in found)
        print("Bundled examples; `doha-compliance example NAME` shows one's files and commands:")
        for name, example in found.items():
            print(f"  {name:<{width}}  {example.title}")
        return EXIT_OK
    example = bundled.example(args.name)
    print(f"{example.name}: {example.title}")
    print(f"  folder:   {example.folder}")
    if example.events is not None:
        print(f"  events:   {example.events.name}  (--events {bundled.EXAMPLE_PREFIX}{example.name})")
    if example.expected:
        print(f"  expected: {', '.join(p.name for p in example.expected)}")
    if example.readme is not None:
        print(f"  readme:   {example.readme.name}")
    runs = example.runs(_example_rule_set(example))
    if runs:
        print()
        print("Run it:")
    for expected, run in runs:
        print(f"  {shlex.join(('doha-compliance', *run))}")
        if expected is not None:
            print(f"      gives {expected.name}" + (", but for the event file's path in each event's location"
                                                    if expected.suffix == ".json" else ""))
    return EXIT_OK


def _mapping_check(args: argparse.Namespace) -> int:
    """`mapping check`: what each name in an export maps to, so a mapping is fixed in one pass."""
    import json

    from doha_compliance.errors import InputFileError
    from doha_compliance.intake.exports import importers
    from doha_compliance.renderers.text import render_mapping_check
    sources.check(args.file, "csv")
    fmt = args.events_format or importers.sniff(args.file, args.mapping)
    if fmt is None:
        raise InputFileError(f"{args.file}: the header is neither ACLED's nor UCDP's; pass --mapping with this "
                             "export's column names (or --events-format acled|ucdp)")
    result = importers.check_export(args.file, importers.load_mapping(fmt, args.mapping))
    if args.format == "json":
        sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(render_mapping_check(result))
    return EXIT_OK


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
        print("doha-compliance: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except _Terminated:
        print("doha-compliance: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous)


def _main(argv: Optional[List[str]]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "report":
            return _report(args)
        if args.command == "explain":
            return _explain(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "example":
            return _example(args)
        if args.command == "mapping":
            return _mapping_check(args)
        parser.error(f"unknown command {args.command}")
    except RuleSetError as exc:
        print(f"doha-compliance: the rule set cannot be used ({len(exc.errors)} problem"
              f"{'s' if len(exc.errors) != 1 else ''}):", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INPUT
    except ComplianceError as exc:
        print(f"doha-compliance: {exc}", file=sys.stderr)
        if args.debug:
            traceback.print_exc()
        return EXIT_INPUT
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
