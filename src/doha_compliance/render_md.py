"""The Markdown report: for pasting into briefs. A summary table per party, then every finding."""
from __future__ import annotations

from typing import List

from .models import STATUSES
from .report import Report


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def render_md(report: Report) -> str:
    lines: List[str] = []
    add = lines.append
    inputs = report.inputs
    add(f"# Compliance report: {report.agreement.title}")
    add("")
    add(f"As of **{report.as_of}**. Events read: {inputs.read} — evaluated {inputs.evaluated} "
        f"({inputs.after_as_of} dated after the report date), rejected {inputs.rejected}.")
    add("")
    add("## Summary")
    add("")
    add("| party | " + " | ".join(STATUSES) + " |")
    add("| --- | " + " | ".join("---:" for _ in STATUSES) + " |")
    for party, counts in report.parties.items():
        add(f"| {party} | " + " | ".join(str(counts[s]) for s in STATUSES) + " |")
    add("")
    add("## Findings")
    for party in report.parties:
        findings = [f for f in report.findings if f.party == party]
        if not findings:
            continue
        add("")
        add(f"### {party}: {_cell(report.agreement.parties.get(party, party))}")
        for f in findings:
            rule = report.rule_version(f.version)
            version = f" (version `{f.version}`)" if f.version != f.rule else ""
            add("")
            add(f"#### {f.date} — {f.status}: {_cell(rule.title)}")
            add("")
            add(f"- **Rule:** `{f.rule}`{version}, basis: {rule.basis}")
            add(f"- **Clause:** {_cell(rule.source)}")
            if f.due:
                add(f"- **Due:** {f.due}")
            add(f"- **Reason:** {_cell(f.reason)}")
            add("- **Evidence:** " + (", ".join(f"`{e}`" for e in f.evidence) or "none"))
            if f.claims:
                add("- **Claims about it:** " + ", ".join(f"`{c}`" for c in f.claims))
    if report.claims:
        add("")
        add("## Claims set beside the evidence")
        add("")
        add("| date | claim | by | against | rule | assessment | findings |")
        add("| --- | --- | --- | --- | --- | --- | --- |")
        for c in report.claims:
            add(f"| {c.date} | `{c.event}` | {c.claimant} | {c.accused} | {c.rule or '—'} | {c.assessment} | "
                + (", ".join(f"`{x}`" for x in c.findings) or "—") + " |")
    if report.not_assessed:
        add("")
        add("## Not assessed")
        add("")
        add("No event in the input bears on these deadlines, so a miss cannot be told from missing data.")
        add("")
        for n in report.not_assessed:
            add(f"- `{n.rule}` ({n.party})")
    if report.events:
        add("")
        add("## Evidence")
        add("")
        add("| id | date | type | actor | where | source |")
        add("| --- | --- | --- | --- | --- | --- |")
        for e in report.events:
            place = ", ".join(x for x in (e.province, e.place) if x) or "—"
            add(f"| `{e.id}` | {e.date} | {e.type} | {e.actor} | {_cell(place)} | {_cell(e.source or '—')} |")
    if report.rejected:
        add("")
        add("## Rejected events")
        add("")
        for r in report.rejected:
            add(f"- `{r.where}` {r.id or ''}: {_cell(r.reason)}")
    return "\n".join(lines) + "\n"
