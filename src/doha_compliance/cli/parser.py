"""The command line's grammar: every command, option and argument, and how each value is read.

Values are checked as they are parsed (a date, a whole number in range, a rule set's name, an
example's events), so that a bad one is argparse's usual one-line error, before any work."""
from __future__ import annotations

import argparse
import datetime as dt
import os
from typing import Callable, List, Optional

from doha_compliance import __version__, bundled
from doha_compliance._util.limits import MAX_WINDOW_DAYS
from doha_compliance._util.values import iso_day
from doha_compliance.errors import ComplianceError
from doha_compliance.intake import sources
from doha_compliance.renderers import FORMATS
from doha_compliance.report.tables import TABLES


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


def _evaluation_arguments(command: argparse.ArgumentParser, many: bool = False) -> None:
    """What `report` and `explain` both need: the rule set (`report`: one or more), the events, the report date."""
    if many:
        command.add_argument("--rules", required=True, action="append", type=_rules_or_all,
                             help=_rules_help() + "; repeatable (one report per rule set, with --output-dir), "
                                                  "or all: every bundled rule set")
    else:
        command.add_argument("--rules", required=True, type=_rules_argument, help=_rules_help())
    command.add_argument("--events", required=True, action="append", type=_events_argument,
                         help="event file (.yaml .json .jsonl .csv, or an ACLED/UCDP export), or example:NAME "
                              "for a bundled example's events (see: doha-compliance example), or - for "
                              "stdin (with --events-format); repeatable")
    command.add_argument("--as-of", type=_date, help="report date YYYY-MM-DD (default: the latest event's date)")
    command.add_argument("--events-format", choices=sources.ALL_FORMATS,
                         help="format of the event files (default: from the file name; ACLED/UCDP CSV by header)")
    command.add_argument("--mapping", help="YAML mapping for ACLED/UCDP exports (default: the shipped one)")
    command.add_argument("--coverage", metavar="FILE",
                         help="YAML file of `coverage` entries (types, from, to, provinces, min_fatalities, note): "
                              "what the CSV and JSONL inputs record systematically; it applies to every CSV and "
                              "JSONL input of the run (YAML and JSON files declare theirs in a `coverage:` header, "
                              "ACLED and UCDP exports from their own scope). Without coverage, nothing is complied")


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


ALL_RULES = "\0all"  # `--rules all`: every bundled rule set (a folder ./all is named ./all)


def _rules_or_all(text: str) -> str:
    """`report --rules`: as `_rules_argument`, or `all` for every bundled set (a local folder named
    `all` wins, as a folder named like a bundled set does)."""
    if text == "all" and not os.path.isdir(text):
        return ALL_RULES
    return _rules_argument(text)


def _events_argument(text: str) -> str:
    """--events: a file path, or example:NAME for a bundled example's event file."""
    try:
        return bundled.resolve_events(text)
    except ComplianceError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


class _Version(argparse.Action):
    """`--version`: the version, and which decider this Python gets (durable_rules is imported only
    now, not for every command line parsed)."""

    def __init__(self, option_strings: List[str], dest: str = argparse.SUPPRESS, default: str = argparse.SUPPRESS,
                 help: Optional[str] = None) -> None:
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser: argparse.ArgumentParser, namespace: object, values: object,
                 option_string: Optional[str] = None) -> None:
        from doha_compliance.matching.durable import deciders
        print(f"{parser.prog} {__version__}\n{deciders.describe()}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="doha-compliance", description="Check dated events against a peace agreement's commitments.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="A first report, on a bundled example with the bundled Doha rule set:\n"
               "  doha-compliance report --rules doha --events example:oct2020 --as-of 2020-10-31")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--version", action=_Version, help="show the version and which engine decides here, and exit")
    sub = parser.add_subparsers(dest="command", required=True)
    rep = sub.add_parser("report", help="evaluate events against a rule set and print a compliance report")
    _evaluation_arguments(rep, many=True)
    rep.add_argument("--lateness", type=_whole(0, MAX_WINDOW_DAYS), default=0, metavar="DAYS",
                     help="how many days behind the latest event an event may arrive and still stream through "
                          "(default 0); a stream more out of order is sorted on disk first")
    rep.add_argument("--format", choices=FORMATS, default="text")
    rep.add_argument("--table", choices=TABLES,
                     help="with --format csv: which table (default findings, one row each; scores: every commitment's "
                          "score by month; series: every judged period of the level rules; unattributed: every act "
                          "nobody claimed, with the commitments it would bear on; counts: each party's findings and "
                          "episodes by status, basis and modality; claims: each claim with who says it and what it "
                          "can be said to show; coverage: what each input declares it records systematically)")
    rep.add_argument("--output", help="write the report to this file (atomically) instead of stdout (- is stdout); "
                                      "never an input file, a folder, a symbolic link or a device")
    rep.add_argument("--output-dir", metavar="DIR",
                     help="with several --rules (or --rules all): write one report per agreement into this folder, "
                          "each named <agreement id>.<format> (txt for text) and written atomically; the folder "
                          "is made if it does not exist (its parent must). Never an input file")
    rep.add_argument("--jobs", type=_whole(1, 1024), metavar="N",
                     help="with several rule sets: how many cores evaluate the agreements (default: the cores "
                          "this process may use; 1: one after another, in this process; on Linux up to 2N worker "
                          "processes share the N cores). The input is read once whatever N; the reports are the "
                          "same bytes")
    rep.add_argument("--party", action="append", help="only findings for this party; repeatable")
    rep.add_argument("--rule", action="append", help="only findings of this rule id; repeatable")
    rep.add_argument("--min-confidence", choices=("low", "medium", "high"),
                     help="leave out findings rated below this confidence (the header says how many); "
                          "findings that rest on no event are not rated and always kept")
    rep.add_argument("--strict", action="store_true", help="exit 2 if any event is rejected")
    rep.add_argument("--max-errors", type=_whole(1), help="stop after this many rejected events (exit 2)")
    rep.add_argument("--fail-on", choices=("violation", "alleged"), help="exit 1 if a finding has this status")
    rep.add_argument("--engine", choices=("durable", "python", "reference"), default=None,
                     help="evaluator: durable_rules, or the same decisions in Python (default: durable where "
                          "durable_rules works here, else python; --version says which), or the plain-Python "
                          "reference, an oracle for checking them that holds every event in memory and is slow "
                          "on large streams")
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
