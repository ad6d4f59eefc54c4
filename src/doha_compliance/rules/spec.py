"""A rule entry as written (after the schema check), before amendments are merged and dates resolved.

Rule files are YAML, the schema speaks JSON: `jsonable` makes one into the other (dates to ISO text)."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Set

import attrs
import cattrs

from doha_compliance._util import safeyaml
from doha_compliance.errors import Location

AGREEMENT_FILE = "agreement.yaml"
# What an amendment never inherits: its own identity, place and end.
_NOT_INHERITED = ("id", "amends", "file", "line", "key_lines", "effective_until")


@attrs.define
class RuleSpec:
    """A rule entry as written in YAML (after the schema check); amendments leave fields unset."""

    id: str
    amends: Optional[str] = None
    party: Any = None
    title: Optional[str] = None
    source: Optional[str] = None
    basis: Optional[str] = None
    kind: Optional[str] = None
    when: Optional[Dict[str, Any]] = None
    status: Optional[str] = None
    justified_by: Optional[Dict[str, Any]] = None
    due: Any = None
    fulfilled_by: Any = None  # one part (a mapping) or a list of parts (SPEC-12 §3)
    covered_by: Optional[Dict[str, Any]] = None
    modality: Optional[str] = None
    wording: Optional[str] = None
    performed_by: Any = None
    starts_when: Optional[Dict[str, Any]] = None
    ends_when: Optional[Dict[str, Any]] = None  # issue 26: the same forms as starts_when
    linked: Optional[List[str]] = None
    depends_on: Any = None  # issue 25: {rule, party} or a list of them (rules/dependence.py)
    scope: Optional[Dict[str, Any]] = None
    accused_field: Optional[str] = None
    lookback_days: Optional[int] = None
    effective_from: Optional[str] = None
    effective_until: Optional[str] = None
    notes: Optional[str] = None
    reading: Optional[Dict[str, Any]] = None  # contested readings: whose reading the text is
    readings: Optional[List[Dict[str, Any]]] = None  # and the other readings (rules/readings.py)
    measure: Any = None      # issue 15: the `level` kind's fields (levels.py); `from` is read as level_from
    period: Optional[str] = None
    baseline: Any = None
    limit: Optional[Dict[str, Any]] = None
    level_from: Optional[str] = None
    answered_by: Optional[Dict[str, Any]] = None  # issue 25: the `prevent` kind's response (prevent.py)
    file: str = ""
    line: Optional[int] = None
    key_lines: Dict[str, int] = attrs.field(factory=dict)

    def at(self, field: Optional[str]) -> Location:
        return Location(self.file, self.key_lines.get(field or "", self.line), field)


_converter = cattrs.Converter(forbid_extra_keys=True)


def jsonable(data: Any) -> Any:
    """YAML turns 2020-02-29 into a date; the schema speaks JSON, so dates become ISO text."""
    if isinstance(data, (dt.date, dt.datetime)):
        return data.isoformat()
    if isinstance(data, dict):
        return {str(k) if not isinstance(k, str) else k: jsonable(v) for k, v in data.items()}
    if isinstance(data, list):
        return [jsonable(v) for v in data]
    return data


def rule_specs(path: str, data: Dict[str, Any], node: Any, skip: Set[int]) -> List[RuleSpec]:
    rules_node = next(v for k, v in node.value if k.value == "rules")
    specs = []
    for index, (item, item_node) in enumerate(zip(data["rules"], rules_node.value, strict=True)):
        if index in skip:
            continue
        item = jsonable(item)
        if "from" in item:  # a level rule's `from` (a Python keyword) is the spec's level_from
            item["level_from"] = item.pop("from")
        spec = _converter.structure(item, RuleSpec)
        spec.file, spec.line, spec.key_lines = path, safeyaml.node_line(item_node), safeyaml.key_lines(item_node)
        if "from" in spec.key_lines:
            spec.key_lines["level_from"] = spec.key_lines["from"]
        specs.append(spec)
    return specs


def overlay(base: RuleSpec, amendment: RuleSpec) -> RuleSpec:
    """An amendment over the version it amends: every field it sets replaces the base's; the rest is
    inherited, except what identifies a version (its id, place and end)."""
    merged = attrs.evolve(base)
    for f in attrs.fields(RuleSpec):
        value = getattr(amendment, f.name)
        if f.name not in _NOT_INHERITED and value is not None:
            setattr(merged, f.name, value)
    return merged
