"""Schema errors in words: each jsonschema error of a rule file becomes file:line: field: message.

The schema (rules/schema.json, packaged as schemas/rules.schema.json) checks shapes; these
messages say what is wrong the way an analyst editing YAML needs it (the branch of a oneOf that got
furthest, the unknown key with its nearest allowed one, a date that is not YYYY-MM-DD)."""
from __future__ import annotations

import json
import os
from functools import lru_cache
from importlib import resources
from typing import Any, Dict, List, Optional, Set, Tuple

import jsonschema
import yaml

from doha_compliance._util import safeyaml
from doha_compliance._util.files import excerpt, kind_of
from doha_compliance._util.hints import did_you_mean
from doha_compliance.errors import Location, RuleError

from .spec import AGREEMENT_FILE, jsonable


@lru_cache(maxsize=1)
def rule_schema() -> Dict[str, Any]:
    text = resources.files("doha_compliance").joinpath("schemas/rules.schema.json").read_text("utf-8")
    schema: Dict[str, Any] = json.loads(text)  # the JSON Schema document
    return schema


def path_line(node: Any, path: List[Any]) -> Tuple[int, Optional[str]]:
    """Follow a JSON path into the YAML node tree: the deepest line found and the field name."""
    line = safeyaml.node_line(node)
    field = None
    for step in path:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == step:
                    line, node, field = k.start_mark.line + 1, v, str(step)
                    break
            else:
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = safeyaml.node_line(node)
        else:
            break
    return line, field


def schema_messages(error: jsonschema.ValidationError, allowed: Dict[str, Any]) -> List[Tuple[List[Any], str]]:
    """Turn one schema error into analyst-readable messages with a path each."""
    if error.validator == "oneOf" and error.context:
        # Report the branch that got furthest, rather than "is not valid under any schema".
        best = max(error.context, key=lambda e: (len(e.absolute_path), e.validator != "type"))
        if best.validator not in ("type", "const"):
            return schema_messages(best, allowed)
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        known = sorted(error.schema.get("properties", {}))
        out = []
        for key in sorted(k for k in error.instance if k not in error.schema.get("properties", {})):
            out.append((path + [key], f"unknown field {excerpt(str(key))}{did_you_mean(str(key), known)}; "
                                      f"allowed: {', '.join(known)}"))
        return out
    if error.validator == "required":
        return [(path, error.message.replace("is a required property", "is required but missing"))]
    if error.validator == "minimum":
        return [(path, f"must be {error.validator_value:,} or more, got {error.instance!r:.40}")]
    if error.validator == "maximum":
        return [(path, f"must be at most {error.validator_value:,}, got {error.instance!r:.40}")]
    if error.validator == "pattern" and error.schema == rule_schema()["$defs"]["date"]:
        return [(path, f"{excerpt(error.instance)} is not a date written YYYY-MM-DD")]
    if error.validator == "enum":
        return [(path, f"{excerpt(error.instance)} is not one of {', '.join(map(str, error.validator_value))}")]
    if error.validator == "oneOf" and path and path[-1] == "party":
        return [(path, "must be a party id or a list of party ids")]
    return [(path, inert_message(error))]


TYPE_WORDS = {"object": "a mapping of fields", "array": "a list", "string": "text", "integer": "a whole number",
              "number": "a number", "boolean": "true or false", "null": "nothing"}


def inert_message(error: jsonschema.ValidationError) -> str:
    """jsonschema's own message without the value it found: its messages begin with the instance's
    repr, which for a stray file is the file's whole content (a credentials file read as one string).
    The value is named by its kind ("a list (3 items)"), or quoted when it is a short scalar."""
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        words = " or ".join(TYPE_WORDS.get(str(t), str(t)) for t in expected)
        return f"must be {words}, found {kind_of(error.instance)}"
    found, message = repr(error.instance), str(error.message)
    if message.startswith(found):
        return excerpt(error.instance) + message[len(found):]
    return message.replace(found, kind_of(error.instance)) if len(found) > 2 else message


def check_schema(path: str, data: Any, node: Any, errors: List[RuleError]) -> Optional[Set[int]]:
    """Schema errors of a file. Returns None if the file as a whole is unusable, else the
    indexes of the rules that are, so the other rules can still be checked further."""
    schema = rule_schema()
    sub = "#/$defs/agreementFile" if os.path.basename(path) == AGREEMENT_FILE else "#/$defs/ruleFile"
    validator = jsonschema.Draft202012Validator({"$ref": sub, "$defs": schema["$defs"]})
    bad_rules: Set[int] = set()
    whole_file = False
    for error in sorted(validator.iter_errors(jsonable(data)), key=lambda e: list(map(str, e.absolute_path))):
        for p, message in schema_messages(error, schema):
            line, field = path_line(node, p)
            errors.append(RuleError(Location(path, line, dotted(p) or field), message))
            if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
                bad_rules.add(p[1])
            else:
                whole_file = True
    return None if whole_file else bad_rules


def dotted(path: List[Any]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out
