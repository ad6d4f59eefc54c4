"""The text report: a per-party summary table and the findings, drawn with rich.

Output to a file or pipe has a fixed width and no colour, so it is byte-stable.
"""
from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.table import Table

from .models import STATUSES
from .report import Report

WIDTH = 110


def render_text(report: Report, color: bool = False) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=WIDTH, force_terminal=color, color_system="standard" if color else None,
                      highlight=False, emoji=False, markup=False, legacy_windows=False)
    inputs = report.inputs
    console.print(f"{report.agreement.title}")
    console.print(f"Compliance report as of {report.as_of}. Events read {inputs.read}: evaluated {inputs.evaluated}"
                  f" ({inputs.after_as_of} dated after the report date), rejected {inputs.rejected}.")
    summary = Table(title="Findings per party", box=box.SIMPLE_HEAD, title_justify="left")
    summary.add_column("party")
    for status in STATUSES:
        summary.add_column(status, justify="right")
    for party, counts in report.parties.items():
        summary.add_row(party, *(str(counts[s]) for s in STATUSES))
    console.print(summary)
    for party in report.parties:
        rows = [f for f in report.findings if f.party == party]
        if not rows:
            continue
        table = Table(title=f"{party}: {report.agreement.parties.get(party, party)}", box=box.SIMPLE_HEAD,
                      title_justify="left", show_lines=False)
        table.add_column("date", no_wrap=True)
        table.add_column("status", no_wrap=True)
        table.add_column("rule (version)")
        table.add_column("evidence")
        table.add_column("reason", ratio=1)
        for f in rows:
            version = "" if f.version == f.rule else f"\n({f.version})"
            table.add_row(f.date.isoformat(), f.status, f.rule + version, "\n".join(f.evidence), f.reason)
        console.print(table)
    if report.claims:
        table = Table(title="Claims set beside the evidence", box=box.SIMPLE_HEAD, title_justify="left")
        for col in ("date", "claim", "by", "against", "rule", "assessment", "findings"):
            table.add_column(col)
        for c in report.claims:
            table.add_row(c.date.isoformat(), c.event, c.claimant, c.accused, c.rule or "-", c.assessment,
                          "\n".join(c.findings) or "-")
        console.print(table)
    if report.not_assessed:
        console.print("Not assessed (no event in the input bears on them):")
        for n in report.not_assessed:
            console.print(f"  {n.rule} ({n.party}): {n.reason}")
    if report.rejected:
        console.print(f"Rejected events ({len(report.rejected)}):")
        for r in report.rejected:
            console.print(f"  {r.where}: {r.id or '-'}: {r.reason}")
    return buffer.getvalue()
