"""`report --rules A --rules B ...` (issue 27): every agreement's report from one read of the input.

The library routes the rows and evaluates the agreements (`fanout.processes`); here the command's
options become what each worker does with its report (`WriteReport`: filter it, render it, write it
into --output-dir atomically), so the reports are rendered in parallel too and only a summary comes
back; then one line per agreement on stderr. docs/many-agreements.md is the user's guide."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, List, Optional, Tuple

import attrs

from doha_compliance.errors import ComplianceError
from doha_compliance.models import Agreement
from doha_compliance.renderers import writer
from doha_compliance.report.report import Inputs, Report

from .output import input_files, output_folder, output_target, say, write_report
from .progress import AgreementBars, WithProgress
from .shared import EXIT_FAIL_ON, EXIT_INPUT, EXIT_OK, event_source, load_rules


@attrs.frozen
class Summary:
    """What a worker sends back about a report it wrote (or did not: `refused` says why)."""

    inputs: Inputs
    rejections: Tuple[str, ...]  # one line each: where: id: reason
    findings: int
    failed_on: bool  # a finding has the --fail-on status
    path: str
    refused: Optional[str] = None


@attrs.frozen
class WriteReport:
    """The command's options, applied in the worker to the agreement's finished report."""

    format: str
    table: Optional[str]
    targets: Dict[str, str]  # agreement id -> the file its report is written to
    party: Optional[Tuple[str, ...]] = None
    rule: Optional[Tuple[str, ...]] = None
    min_confidence: Optional[str] = None
    strict: bool = False
    fail_on: Optional[str] = None

    def __call__(self, report: Report) -> Summary:
        rejections = tuple(f"{r.where}: {r.id or '-'}: {r.reason}" for r in report.rejected)
        path = self.targets[report.agreement.id]
        if self.party or self.rule or self.min_confidence:
            report = report.filtered(list(self.party or ()), list(self.rule or ()), min_confidence=self.min_confidence)
        if self.strict and report.rejected:
            return Summary(report.inputs, rejections, 0, False, path,
                           f"{len(report.rejected)} events rejected and --strict is set; no report written")
        write_report(writer(report, self.format, self.table), path)
        failed_on = bool(self.fail_on) and any(f.status == self.fail_on for f in report.findings)
        return Summary(report.inputs, rejections, len(report.findings), failed_on, path)


def _check_filters(agreements: List[Agreement], args: argparse.Namespace) -> None:
    """With several agreements, --party and --rule filter every report; each must name a party or rule of
    at least one of them (an agreement that has none of them lists no finding)."""
    from doha_compliance._util.hints import did_you_mean
    parties = {p for a in agreements for p in a.parties}
    rules = {r for a in agreements for r in a.rule_ids()}
    names = ", ".join(a.id for a in agreements)
    for party in args.party or []:
        if party not in parties:
            raise ComplianceError(f"--party {party}: not a party of any of the agreements ({names})"
                                  f"{did_you_mean(party, parties)}")
    for rule in args.rule or []:
        if rule not in rules:
            raise ComplianceError(f"--rule {rule}: not a rule of any of the agreements ({names})"
                                  f"{did_you_mean(rule, rules)}")


def run_many(args: argparse.Namespace, folders: List[str]) -> int:
    """Every agreement's report from one read of the input, each into --output-dir as <agreement
    id>.<format>; the agreements evaluated (and their reports written) by --jobs processes.

    Exit status: 2 if any agreement could not be reported (--max-errors reached, --strict with rejected
    rows) — the others are still written; else 1 if any report has a finding with the --fail-on status;
    else 0. One line per agreement on stderr says what it read and where its report went."""
    from doha_compliance.fanout import processes
    from doha_compliance.fanout.options import Options
    from doha_compliance.matching.durable import deciders
    if args.output is not None:
        raise ComplianceError(f"--output {args.output} names one file: with several rule sets, name a folder with "
                              "--output-dir DIR (one report per agreement, <agreement id>.<format>)")
    if args.output_dir is None:
        raise ComplianceError(f"{len(folders)} rule sets give {len(folders)} reports: name a folder for them with "
                              "--output-dir DIR (each written there as <agreement id>.<format>)")
    agreements = [load_rules(folder) for folder in folders]
    seen: Dict[str, str] = {}
    for agreement, folder in zip(agreements, folders):
        if agreement.id in seen:
            raise ComplianceError(f"--rules {seen[agreement.id]} and --rules {folder} are both the agreement "
                                  f"{agreement.id}: each report is named by its agreement's id; give one of them")
        seen[agreement.id] = folder
    _check_filters(agreements, args)
    deciders.resolve(args.engine)  # EngineUnavailable once, before any row is read
    folder = output_folder(args.output_dir)
    inputs = list(input_files(args))
    extension = "txt" if args.format == "text" else args.format
    targets: Dict[str, str] = {}
    for agreement in agreements:
        target = output_target(os.path.join(folder, f"{agreement.id}.{extension}"), inputs, "--output-dir")
        assert target is not None  # a path in a folder is never stdout
        targets[agreement.id] = target
    finish = WriteReport(args.format, args.table, targets, tuple(args.party) if args.party else None,
                         tuple(args.rule) if args.rule else None, args.min_confidence, args.strict, args.fail_on)
    options = Options(as_of=args.as_of, engine=args.engine, max_errors=args.max_errors, lateness_days=args.lateness)
    source = event_source(args)
    terminal = sys.stderr.isatty()
    bars = AgreementBars()
    try:
        outcomes = processes.run(agreements, WithProgress(source) if terminal else source, options, args.jobs,
                                 progress=bars.update if terminal else None,
                                 on_routed=lambda routed: bars.start((r.agreement.id, r.rows, r.outside)
                                                                     for r in routed),
                                 finish=finish)
    finally:
        bars.stop()
        source.close()
    status = EXIT_OK
    for agreement in agreements:
        outcome = outcomes[agreement.id]
        if not isinstance(outcome, Summary):
            say(f"doha-compliance: {agreement.id}: {outcome}; no report written", err=True)
            status = EXIT_INPUT
            continue
        for line in outcome.rejections:
            say(f"rejected ({agreement.id}): {line}", err=True)
        if outcome.refused is not None:
            say(f"doha-compliance: {agreement.id}: {outcome.refused}", err=True)
            status = EXIT_INPUT
            continue
        counts = outcome.inputs
        say(f"{agreement.id}: read {counts.read:,}: evaluated {counts.evaluated:,}, rejected {counts.rejected:,}, "
            f"outside its area and period {counts.outside:,}; {outcome.findings:,} findings -> {outcome.path}",
            err=True)
        if outcome.failed_on and status == EXIT_OK:
            status = EXIT_FAIL_ON
    return status
