"""`area:` and `period:` in agreement.yaml (issue 27): where and when an agreement applies.

One global export holds events of many conflicts; each agreement reads only the rows in its area and
period (intake/area.py decides, row by row). Here the two keys are read and checked against what the
schema cannot check: a zone the area names is one of the agreement's `zones:`, a country is named once
(without case), and the period does not end before it starts."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from doha_compliance._util.files import excerpt
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError
from doha_compliance.models import Area

from .build import parse_date


def country_key(name: str) -> str:
    """How country names are compared: trimmed, inner spaces collapsed, without case."""
    return " ".join(name.split()).casefold()


def build_area(agreement: Dict[str, Any], zones: Mapping[str, Any], where: str, errors: List[RuleError]) -> Area:
    """The agreement's Area (empty when it declares neither key); each problem an error at agreement.yaml."""
    area = agreement.get("area") or {}
    period = agreement.get("period") or {}
    countries: List[str] = []
    seen: Dict[str, str] = {}
    for name in area.get("countries", ()):
        key = country_key(name)
        if not key:
            errors.append(RuleError(Location(where, None, "area.countries"),
                                    "a country is named by its name, not blank"))
        elif key in seen:
            errors.append(RuleError(Location(where, None, "area.countries"),
                                    f"{excerpt(name)} is named twice (as {excerpt(seen[key])} too; names are "
                                    "compared without case)"))
        else:
            seen[key] = name
            countries.append(" ".join(name.split()))
    named = list(area.get("zones", ()))
    for zone in named:
        if zone not in zones:
            known = f" ({', '.join(sorted(zones))})" if zones else ": the agreement declares no `zones:`"
            errors.append(RuleError(Location(where, None, "area.zones"),
                                    f"{excerpt(zone)} is not one of the agreement's zones{did_you_mean(zone, zones)}"
                                    f"{known}"))
    start = parse_date(period["from"], Location(where, None, "period.from"), errors) if "from" in period else None
    until = parse_date(period["until"], Location(where, None, "period.until"), errors) if "until" in period else None
    if start is not None and until is not None and until < start:
        errors.append(RuleError(Location(where, None, "period"),
                                f"until {until.isoformat()} is before from {start.isoformat()}"))
    return Area(tuple(countries), tuple(named), start, until)


def describe(area: Area) -> str:
    """The area and period in words, for `rules check` and the reports' summaries."""
    where = []
    if area.countries:
        where.append("countries " + ", ".join(area.countries))
    if area.zones:
        where.append("zones " + ", ".join(area.zones))
    when = ""
    if area.start or area.until:
        when = (f"from {area.start.isoformat()}" if area.start else "") + \
               (" " if area.start and area.until else "") + \
               (f"until {area.until.isoformat()}" if area.until else "")
    if not where and not when:
        return "every row (no `area:` or `period:`)"
    return "; ".join(part for part in ("; ".join(where), when) if part)
