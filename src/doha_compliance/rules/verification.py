"""What the rule language says about monitors' verifications (issues 25 and 26, commitment-semantics §5.12).

- A part's `verified_by` must name a monitor of the agreement (role `monitor`): anyone else's word
  verifies nothing, so naming them is refused at load time with the reason.
- A monitor that also owes a commitment (a member of a monitoring mechanism that is itself bound) loads,
  but `rules check` warns: its verification of its own act settles nothing, and the report says
  "also a party to this agreement" wherever its verification is cited.
"""
from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional, Tuple

from doha_compliance._util.files import excerpt
from doha_compliance.errors import Location, RuleError


def monitors_of(agreement: Any) -> List[str]:
    """Every actor whose role is `monitor`, sorted (listed in `monitors`, or declared under `claimants:`)."""
    names = {*agreement.monitors, *agreement.claimants}
    return sorted(n for n in names if agreement.role(n) == "monitor")


def owes(agreement: Any, actor: str) -> List[str]:
    """The rule ids the actor owes (it is among a version's parties), sorted."""
    return sorted({r.id for r in agreement.rules if actor in r.parties})


def check_part_monitors(rules: Any, agreement: Dict[str, Any], claimants: Mapping[str, Tuple[str, Optional[str]]],
                        errors: List[RuleError]) -> None:
    """Each part's `verified_by` names a monitor: declared with role `monitor`, or listed in `monitors`."""
    def role(name: str) -> str:
        return claimants[name][0] if name in claimants else ("monitor" if name in agreement.get("monitors", ()) else "")
    for rule in rules:
        for part in rule.fulfilments:
            if part.verified_by is not None and role(part.verified_by) != "monitor":
                errors.append(RuleError(Location(rule.file, rule.line, "fulfilled_by"),
                                        f"verified_by: {excerpt(part.verified_by)} is not a monitor of this agreement "
                                        "(declare it under claimants: with role monitor, or list it in monitors:)"))
            if part.percent_at_least is not None and part.total_of is not None:
                errors.append(RuleError(Location(rule.file, rule.line, "fulfilled_by"),
                                        "percent_at_least: a running percentage is read, not added up: it cannot be "
                                        "combined with total_of"))
            if part.verified_by is not None and part.total_of is not None:
                errors.append(RuleError(Location(rule.file, rule.line, "fulfilled_by"),
                                        "verified_by: a verified part is met by one declaration a monitor verifies; "
                                        "it cannot add up total_of (write a part per declaration)"))


def monitor_party_warnings(agreement: Any) -> List[str]:
    """One warning per monitor that also owes a commitment of the agreement."""
    out = []
    for name in monitors_of(agreement):
        owed = owes(agreement, name)
        if owed:
            out.append(f"warning: {name} is a monitor of this agreement and also owes {', '.join(owed)}: its "
                       "verification of its own acts settles nothing, and the report says it is also a party "
                       "wherever its verification is cited")
    return out
