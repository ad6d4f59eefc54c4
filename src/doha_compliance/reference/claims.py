"""The reference judge's claims: who is claiming (a monitor, a party, another), and what a claim
is set against (SPEC §5.7): the deadline it names whatever the lookback, else the findings about the
accused in its lookback window (and province)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Tuple

from doha_compliance.models import Agreement, Event, Rule
from doha_compliance.rules.kinds import Kind

from ._plain import MAX_CITED


def role_of(agreement: Agreement, actor: str) -> str:
    """Who is claiming: a monitor (never a party's allegation), a party to the agreement, or another."""
    if actor in agreement.monitors:
        return "monitor"
    if agreement.signatories:
        return "party" if actor in agreement.signatories else "other"
    return "party" if any(actor in r.parties for r in agreement.rules) else "other"


def assess(claim_rule: Rule, e: Event, accused: str, judged: List[Dict[str, Any]], kinds: Dict[str, Kind]
           ) -> Tuple[str, List[Dict[str, Any]]]:
    """The claim's assessment and the findings it cites."""
    named = e.rule
    cited: List[Dict[str, Any]] = []
    if named is not None and named in kinds and kinds[named].deadline:
        # weighed against that deadline's finding, whatever the lookback (SPEC §5.7)
        own = [f for f in judged if f["rule"] == named and f["party"] == accused]
        if own and own[0]["status"] in ("violation", "missed"):
            assessment, cited = "corroborated", own[:1]
        elif own and own[0]["status"] == "met":
            assessment, cited = "contradicted", own[:1]
        else:
            assessment, cited = "uncorroborated", own[:1]
    else:
        since = e.date - dt.timedelta(days=claim_rule.lookback_days)
        window = [f for f in judged
                  if f["party"] == accused and since <= f["date"] <= e.date
                  and (named is None or f["rule"] == named)
                  and (e.province is None or f["province"] is None or f["province"] == e.province)]
        violations = [f for f in window if f["status"] == "violation"]
        unresolved = [f for f in window if f["status"] == "unresolved"]
        answers = [f for f in window if f["status"] in ("justified", "met")]
        if violations:
            assessment, cited = "corroborated", violations[-MAX_CITED:]
        elif unresolved:
            assessment, cited = "uncorroborated", unresolved[-MAX_CITED:]
        elif answers:
            assessment, cited = "contradicted", answers[-MAX_CITED:]
        else:
            assessment = "uncorroborated"
    return assessment, cited
