"""The five commands: each reads its parsed arguments, calls the library, and prints.

Exit status: 0 fine, 1 --fail-on matched, 2 unusable input (`EXIT_*`)."""
from __future__ import annotations

import argparse
import os
import shlex
import sys
from typing import IO, Any, Callable, Dict, Iterable, List

from doha_compliance import __version__, api, bundled
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import ComplianceError, InputFileError, RuleSetError, TooManyRejections
from doha_compliance.intake import sources
from doha_compliance.intake.readers import RawRow
from doha_compliance.models import Agreement, Event, Rejection
from doha_compliance.renderers import writer
from doha_compliance.renderers.wording import rules_line

from .output import inert, inert_lines, input_files, output_target, say, write_report
from .parser import ALL_RULES
from .progress import WithProgress
from .shared import EXIT_FAIL_ON, EXIT_INPUT, EXIT_OK, event_source, load_rules


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


def run_report(args: argparse.Namespace) -> int:
    if args.table and args.format != "csv":
        raise ComplianceError(f"--table {args.table} is for --format csv (the other formats show every table)")
    folders = _rule_folders(args.rules)
    if len(folders) > 1 or args.output_dir is not None:
        from .many import run_many
        return run_many(args, folders)
    args.rules = folders[0]  # one rule set: the report as it always was, on stdout or --output
    agreement = load_rules(args.rules)
    _check_filters(agreement, args)
    output = output_target(args.output, input_files(args))
    source: Iterable[RawRow] = event_source(args)
    if sys.stderr.isatty():
        source = WithProgress(source)

    def on_reject(r: Rejection) -> None:
        say(f"rejected: {r.where}: {r.id or '-'}: {r.reason}", err=True)

    try:
        report = api.evaluate(agreement, source, as_of=args.as_of, engine=args.engine, on_reject=on_reject,
                              max_errors=args.max_errors, lateness_days=args.lateness)
    except TooManyRejections as exc:
        say(f"doha-compliance: stopped: {len(exc.rejected)} events rejected (--max-errors {args.max_errors}); "
            "no report written", err=True)
        return EXIT_INPUT
    if args.party or args.rule or args.min_confidence:
        report = report.filtered(args.party, args.rule, min_confidence=args.min_confidence)
        if args.min_confidence and args.format == "csv":  # a CSV table has no header to say it in
            say(f"doha-compliance: --min-confidence {args.min_confidence}: {report.left_out} findings rated "
                "below it left out of the table", err=True)
    if args.strict and report.rejected:
        say(f"doha-compliance: {len(report.rejected)} events rejected and --strict is set; no report written",
            err=True)
        return EXIT_INPUT
    write_report(writer(report, args.format, args.table), output)
    if args.fail_on and any(f.status == args.fail_on for f in report.findings):
        return EXIT_FAIL_ON
    return EXIT_OK


def _rule_folders(given: List[str]) -> List[str]:
    """`report --rules`, each once, in the order given; `all` is every bundled rule set."""
    folders: List[str] = []
    for name in given:
        if name == ALL_RULES:
            sets = bundled.rule_sets()
            if not sets:
                raise ComplianceError("--rules all: this installation has no bundled rule sets")
            folders.extend(str(folder) for folder in sets.values())
        else:
            folders.append(name)
    out: Dict[str, str] = {}
    for folder in folders:
        out.setdefault(os.path.realpath(folder), folder)
    return list(out.values())


def run_explain(args: argparse.Namespace) -> int:
    from doha_compliance.report.explain import explain, explain_uncited
    agreement = load_rules(args.rules)
    source = event_source(args)
    report = api.evaluate(agreement, source, as_of=args.as_of)
    try:
        say(inert_lines(explain(report, args.key)), end="")
        return EXIT_OK
    except KeyError:
        pass
    rejected = next((r for r in report.rejected if r.id == args.key), None)
    if rejected is not None:
        say(inert(f"event {args.key} was rejected at {rejected.where}: {rejected.reason}"))
        return EXIT_OK
    event = api.find_event(agreement, source, args.key)  # reads up to the event only, holding nothing else
    if isinstance(event, Event):
        say(inert_lines(explain_uncited(report, event)), end="")
        return EXIT_OK
    if isinstance(event, Rejection):  # issue 27: outside the agreement's area (counted, never checked)
        say(inert(f"event {args.key} at {event.where} was not evaluated: {event.reason}"))
        return EXIT_OK
    example = report.findings[0].id if report.findings else "rule/party/event"
    say(f"doha-compliance: '{args.key}' is neither a finding id nor an event id in the input "
        f"(finding ids look like {example})", err=True)
    return EXIT_INPUT


def run_rules(args: argparse.Namespace) -> int:
    if args.folder is None:
        return _list_rule_sets()
    agreement = load_rules(args.folder)
    if args.rules_command == "check":
        from doha_compliance.matching.durable import deciders
        from doha_compliance.matching.durable.compile import compile_ruleset
        deciders.check_compiles(compile_ruleset(agreement))  # what `report` compiles, with its engine
        from doha_compliance.rules.checks import unclaimed_warnings
        from doha_compliance.rules.verification import monitor_party_warnings
        _check_own_mappings(agreement)  # issue 27: rules/<set>/mappings/*.yaml, refused with file:line
        warnings = unclaimed_warnings(agreement) + monitor_party_warnings(agreement)  # issues 24, 25/26
        for warning in warnings:  # said, not refused (the rule set still loads)
            say(warning, err=True)
        bases = len(agreement.rule_ids())
        say(f"{args.folder}: ok — {agreement.id}, {bases} rules, {len(agreement.rules)} versions, "
            f"{len(agreement.parties)} parties, {len(agreement.event_types)} event types")
        say(inert(rules_line(agreement.source)))
        from doha_compliance.rules.area import describe
        say(inert(f"area and period: {describe(agreement.area)}"))  # issue 27: which rows of an export it reads
        return EXIT_OK
    from doha_compliance.renderers.text import render_rules
    say(render_rules(agreement), end="")
    return EXIT_OK


def _check_own_mappings(agreement: Agreement) -> None:
    """A rule set's own ACLED/UCDP mappings (issue 27): each read as a run would read it (every problem
    with its file:line), then held to the agreement's words (parties, event types, location kinds), since
    every row mapped to a word the agreement lacks would be rejected. InputFileError (exit 2) listing all."""
    from doha_compliance.intake.exports import mapping_file
    problems: List[str] = []
    for fmt, path in mapping_file.rule_set_mappings(agreement.folder).items():
        try:
            mapping = mapping_file.load_mapping(fmt, path)
        except InputFileError as exc:
            problems.append(str(exc))
            continue
        if mapping.format != fmt:
            problems.append(f"{path}:{mapping.lines.get('format', 1)}: format: {mapping.format}, but the file is "
                            f"the rule set's {fmt} mapping ({mapping_file.RULE_SET_FOLDER}/{fmt}.yaml)")
        problems.extend(mapping_file.vocabulary_problems(mapping, list(agreement.parties), agreement.event_types,
                                                         agreement.location_kinds))
    if problems:
        raise InputFileError(f"{agreement.folder}: the rule set's own export mappings cannot be used:\n  "
                             + "\n  ".join(problems))


def _list_rule_sets() -> int:
    """`rules list` without an argument: the bundled rule sets, each with its agreement and version."""
    sets = bundled.rule_sets()
    if not sets:
        say("doha-compliance: this installation has no bundled rule sets; pass a rule folder "
            "(doha-compliance rules list PATH)", err=True)
        return EXIT_INPUT
    say("Bundled rule sets; use one with --rules NAME:")
    status = EXIT_OK
    for name, folder in sets.items():
        say()
        try:
            agreement = api.load_rules(folder)
        except RuleSetError as exc:
            say(f"{name}  cannot be used ({len(exc.errors)} problem{'s' if len(exc.errors) != 1 else ''}): "
                f"see doha-compliance rules check {name}")
            status = EXIT_INPUT
            continue
        say(f"{name}  {agreement.id}, signed {agreement.signed}, {len(agreement.rule_ids())} rules "
            f"({len(agreement.rules)} versions), version {__version__}")
        say(f"    {agreement.title}")
        say(f"    {folder}")
        say(f"    sha256 {agreement.source.sha256[:12] if agreement.source else '?'}")
    say()
    say("Its rules: doha-compliance rules list NAME · a folder of your own: doha-compliance rules list PATH")
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


def run_example(args: argparse.Namespace) -> int:
    """`example [NAME]`: where a bundled example's files are, and the commands to run it."""
    if args.name is None:
        found = bundled.examples()
        if not found:
            say("doha-compliance: this installation has no bundled examples", err=True)
            return EXIT_INPUT
        width = max(len(name) for name in found)
        say("Bundled examples; `doha-compliance example NAME` shows one's files and commands:")
        for name, example in found.items():
            say(f"  {name:<{width}}  {example.title}")
        return EXIT_OK
    example = bundled.example(args.name)
    say(f"{example.name}: {example.title}")
    say(f"  folder:   {example.folder}")
    if example.events is not None:
        say(f"  events:   {example.events.name}  (--events {bundled.EXAMPLE_PREFIX}{example.name})")
    if example.expected:
        say(f"  expected: {', '.join(p.name for p in example.expected)}")
    if example.readme is not None:
        say(f"  readme:   {example.readme.name}")
    runs = example.runs(_example_rule_set(example))
    if runs:
        say()
        say("Run it:")
    for expected, run in runs:
        say(f"  {shlex.join(('doha-compliance', *run))}")
        if expected is not None:
            say(f"      gives {expected.name}" + (", but for the event file's path in each event's location"
                                                  if expected.suffix == ".json" else ""))
    return EXIT_OK


def run_mapping_check(args: argparse.Namespace) -> int:
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
        say(json.dumps(result, indent=2, ensure_ascii=False) + "\n", end="")
    else:
        say(render_mapping_check(result), end="")
    return EXIT_OK


class _Stdout:
    """stdout, where a failed write (a full disk: ENOSPC, EIO) is a ComplianceError — one line, exit 2 —
    rather than a traceback. A closed pipe stays a BrokenPipeError (`| head` ends the run quietly)."""

    def __init__(self, stream: IO[str]):
        self._stream = stream

    def _failed(self, exc: OSError) -> ComplianceError:
        return ComplianceError(f"cannot write to stdout: {exc.strerror or exc}")

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise self._failed(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _writing_stdout(command: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """The command with every write to stdout (print, sys.stdout.write, a report) checked in one place,
    and flushed before it returns, so that a full disk is reported, not left to the exit's flush."""
    def run(args: argparse.Namespace) -> int:
        stream = sys.stdout
        sys.stdout = _Stdout(stream)
        try:
            status = command(args)
            sys.stdout.flush()
            return status
        finally:
            sys.stdout = stream
    return run


# Each command's function (`rules` and `mapping` read their sub-command themselves).
COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "report": _writing_stdout(run_report),
    "explain": _writing_stdout(run_explain),
    "rules": _writing_stdout(run_rules),
    "example": _writing_stdout(run_example),
    "mapping": _writing_stdout(run_mapping_check),
}
