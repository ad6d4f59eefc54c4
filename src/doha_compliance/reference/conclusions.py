"""The canonical, JSON-able form of a report's conclusions, read from the pipeline's report, to be
set beside the reference judge's (`reference_conclusions`): reasons are free text, left out."""
from __future__ import annotations

import json
from typing import Any, Dict

from ._plain import _sorted


def pipeline_conclusions(report: Any) -> Dict[str, Any]:
    """The same canonical form, read from a `Report` or its JSON (`json.loads(report.to_json())`)."""
    data = report if isinstance(report, dict) else json.loads(report.to_json())
    findings = [{
        "id": f["id"], "rule": f["rule"], "version": f["version"], "party": f["party"], "status": f["status"],
        "date": f["date"], "evidence": list(f["evidence"]), "due": f.get("due"),
        "linked": [{"rule": x["rule"], "party": x["party"], "status": x["status"], "since": x.get("since")}
                   for x in f.get("linked", [])],
        "performed_by": list(f.get("performed_by", [])),
        "span_start": f.get("span_start"),
        "days_late": f.get("days_late"), "parts_met": f.get("parts_met"), "parts_total": f.get("parts_total"),
        "confidence": f.get("confidence"), "confidence_reasons": list(f.get("confidence_reasons", [])),
        "episode": f.get("episode"),
        **({"amended": list(f["amended"])} if f.get("amended") else {}),
        "blocked_by": list(f.get("blocked_by", [])),
        **({"verification": f["verification"]} if f.get("verification") else {}),
        **({"act_by": f["act_by"]} if f.get("act_by") else {}),
        **({"clock": f["clock"]} if f.get("clock") else {}),
        **({"readings": [{"reading": x["reading"], "status": x["status"]} for x in f.get("readings", [])]}
           if data.get("readings") else {}),
    } for f in data["findings"]]
    claims = [{"event": c["event"], "accused": c["accused"], "rule": c.get("rule"), "assessment": c["assessment"],
               "claimant_role": c.get("claimant_role"), "findings": list(c["findings"]),
               "independent": c.get("independent", False), "claimant_part_of": c.get("claimant_part_of"),
               "about": list(c.get("about", [])), "supported_by": c.get("supported_by")} for c in data["claims"]]
    not_assessed = [{"rule": n["rule"], "version": n["version"], "party": n["party"]} for n in data["not_assessed"]]
    return {
        "findings": _sorted(findings),
        "claims": _sorted(claims),
        "not_assessed": _sorted(not_assessed),
        "defaults": data.get("defaults"),
        "coverage": data.get("coverage"),
        "unattributed": [{"event": u["event"], "bears_on": u["bears_on"]} for u in data.get("unattributed", [])],
    }
