"""Rule kinds live in one place (issue 22): the registry in rules/kinds.

Outside that package no code compares a kind with a kind's name; it asks the kind's record
(`kind_of(rule).continuing`, ...). The schema's kind enum and kind-specific fields agree with the
registry, so a kind added without its schema fragment (or a fragment without its kind) fails here.
"""
from __future__ import annotations

import ast
import json
import pathlib
from typing import Iterator, List, Tuple

import pytest

from doha_compliance.rules.kinds import KIND_FIELDS, KINDS, UnknownKind, kind_named

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "doha_compliance"
KINDS_DIR = PACKAGE / "rules" / "kinds"


def _names(node: ast.AST) -> List[str]:
    """The string literals of a node: a str, or a tuple, list or set of them (else none)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def kind_comparisons(source: str) -> Iterator[Tuple[int, str]]:
    """(line, text) of every comparison of something about a kind (its text names `kind`: a `kind`
    variable, a `.kind` attribute, `kinds[x]`, `r["kind"]`, `family(kind)`) with a kind's name or
    names. Other literals are not kinds (the durable engine's message tags "h", "k" ... are not)."""
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            if not isinstance(op, (ast.Eq, ast.NotEq, ast.In, ast.NotIn)):
                continue
            for literal, other in ((left, right), (right, left)):
                if set(_names(literal)) & set(KINDS) and "kind" in ast.unparse(other):
                    yield node.lineno, ast.unparse(node)


def test_no_kind_name_compared_outside_the_registry() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if KINDS_DIR in path.parents:
            continue
        for line, text in kind_comparisons(path.read_text("utf-8")):
            found.append(f"{path.relative_to(ROOT)}:{line}: {text}")
    assert not found, "ask the kind's record (rules.kinds.kind_of) instead:\n" + "\n".join(found)


@pytest.mark.parametrize("code", [
    'rule.kind == "deadline"',
    'kind != "claim"',
    'r.kind in ("prohibited", "conditional")',
    'kind not in {"claimable"}',
    '"level" == versions[0].kind',
    'kinds[target] != "deadline"',
    'kinds.get(named) == "deadline"',
    'r["kind"] != "claim"',
    'a < b and rule.kind == "deadline"',
])
def test_the_check_catches_a_comparison(code: str) -> None:
    """The check above is not vacuous: each of these, added to a module, would be reported."""
    assert [line for line, _ in kind_comparisons(f"x = 1\nif {code}:\n    pass\n")] == [2]


@pytest.mark.parametrize("code", ['kind == "h"', 'rule.kind == other.kind', 'kind_of(rule).deadline',
                                  'status == "deadline"'])
def test_the_check_lets_other_comparisons_be(code: str) -> None:
    assert not list(kind_comparisons(f"if {code}:\n    pass\n"))


def test_the_check_catches_one_added_to_a_real_module() -> None:
    path = PACKAGE / "judging" / "judge.py"
    source = path.read_text("utf-8")
    assert not list(kind_comparisons(source))
    planted = source + '\n\ndef _planted(rule):\n    return rule.kind == "prohibited"\n'
    assert [text for _, text in kind_comparisons(planted)] == ["rule.kind == 'prohibited'"]
    assert [line for line, _ in kind_comparisons(planted)] == [planted.count("\n")]


def _schema() -> dict:
    schema = json.loads((ROOT / "rules" / "schema.json").read_text("utf-8"))
    packaged = json.loads((PACKAGE / "schemas" / "rules.schema.json").read_text("utf-8"))
    assert schema == packaged, "rules/schema.json and its packaged copy differ"
    return schema


def _schema_field(name: str) -> str:
    return "from" if name == "level_from" else name  # `from` is a Python keyword: the spec reads it as level_from


def test_the_schema_and_the_registry_name_the_same_kinds() -> None:
    assert _schema()["$defs"]["rule"]["properties"]["kind"]["enum"] == list(KINDS)


def test_every_field_a_kind_requires_or_allows_is_in_the_schema() -> None:
    properties = _schema()["$defs"]["rule"]["properties"]
    for kind in KINDS.values():
        for name in kind.requires + kind.allows:
            assert _schema_field(name) in properties, f"kind {kind.name}: '{name}' has no schema fragment"
        assert set(kind.allows) <= set(KIND_FIELDS), f"kind {kind.name}: add its fields to KIND_FIELDS"


def test_the_schema_says_which_kind_a_kind_specific_field_is_for() -> None:
    """A field the schema describes as "<kind>: ..." is one that kind allows, and only kinds named so."""
    properties = _schema()["$defs"]["rule"]["properties"]
    for name in KIND_FIELDS:
        described = properties[_schema_field(name)].get("description", "")
        owner = described.split(":")[0] if ":" in described else None
        if owner in KINDS:
            assert name in KINDS[owner].allows, f"the schema gives '{name}' to {owner}"
            assert [k.name for k in KINDS.values() if name in k.allows] == [owner]


def test_every_kind_specific_field_is_allowed_by_some_kind() -> None:
    for name in KIND_FIELDS:
        assert any(name in k.allows for k in KINDS.values()), name


def test_an_unknown_kind_is_a_clear_error() -> None:
    with pytest.raises(UnknownKind) as raised:
        kind_named("prohibitted")
    assert isinstance(raised.value, KeyError)
    assert str(raised.value) == ("unknown rule kind 'prohibitted'; the kinds are "
                                 "prohibited, conditional, deadline, claim, claimable, level, prevent")


def test_capabilities_answer_what_the_names_did() -> None:
    """The questions the layers ask, answered per kind as the code base answered them by name."""
    asked = {name: (k.continuing, k.justifiable, k.deadline, k.through_claims, k.owed, k.series, k.matches_acts,
                    k.score_family) for name, k in KINDS.items()}
    assert asked == {
        "prohibited": (True, False, False, False, True, False, True, "continuing"),
        "conditional": (True, True, False, False, True, False, True, "continuing"),
        "deadline": (False, False, True, False, True, False, False, "deadline"),
        "claim": (False, False, False, False, False, False, True, None),
        "claimable": (False, False, False, True, True, False, False, None),
        "level": (False, False, False, False, True, True, True, "level"),
        # issue 25: owed, its acts matched one by one (anyone's), judged on the response; not scored
        "prevent": (False, False, False, False, True, False, True, None),
    }
