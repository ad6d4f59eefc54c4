"""docs/rule-language.md names every property of the rules schema and every field of the event
contract (each in backticks), so the reference cannot fall behind the language. No subprocess."""
from __future__ import annotations

import json
import re

from conftest import ROOT

from doha_compliance.models import EVENT_FIELDS

DOC = ROOT / "docs" / "rule-language.md"
SCHEMA = ROOT / "rules" / "schema.json"
PACKAGED = ROOT / "src" / "doha_compliance" / "schemas" / "rules.schema.json"


def _property_names(node, found: set) -> set:
    """Every key under every `properties` of the schema, however deep (in $defs, oneOf, items ...)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.update(value)
            _property_names(value, found)
    elif isinstance(node, list):
        for value in node:
            _property_names(value, found)
    return found


def _schema() -> dict:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))


def _in_backticks(text: str) -> set:
    return set(re.findall(r"`([^`\n]+)`", text))


def test_the_packaged_schema_is_the_documented_one():
    assert json.loads(PACKAGED.read_text(encoding="utf-8")) == _schema()


def test_every_schema_property_is_documented():
    schema = _schema()
    names = _property_names(schema, set())
    assert {"agreement", "rules", "due", "justified_by", "within_days", "at_most_value", "sum"} <= names  # the walk works
    documented = _in_backticks(DOC.read_text(encoding="utf-8"))
    missing = sorted(names - documented)
    assert not missing, f"docs/rule-language.md does not name these schema properties in backticks: {missing}"


def test_every_schema_definition_is_documented():
    definitions = set(_schema().get("$defs", {})) | set(_schema().get("definitions", {}))
    documented = _in_backticks(DOC.read_text(encoding="utf-8"))
    missing = sorted(definitions - documented)
    assert not missing, f"docs/rule-language.md does not name these schema $defs in backticks: {missing}"


def test_every_event_field_is_documented():
    documented = _in_backticks(DOC.read_text(encoding="utf-8"))
    missing = sorted(set(EVENT_FIELDS) - documented)
    assert not missing, f"docs/rule-language.md does not name these event fields in backticks: {missing}"


def test_every_status_and_modality_is_documented():
    from doha_compliance.models import MODALITIES, STATUSES
    documented = _in_backticks(DOC.read_text(encoding="utf-8"))
    assert not set(STATUSES) - documented and not set(MODALITIES) - documented
