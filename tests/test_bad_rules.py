"""Rule sets that cannot be used: every problem listed at once, located, exit 2, nothing executed."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import OCT2020, RULES, run_cli, run_main


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    return folder


def add(folder: Path, name: str, text: str) -> None:
    (folder / name).write_text(text, encoding="utf-8")


def problems(folder: Path) -> list[str]:
    with pytest.raises(dc.RuleSetError) as info:
        dc.load_rules(folder)
    for error in info.value.errors:
        assert isinstance(error, dc.RuleError) and error.location.file
    return [str(e) for e in info.value.errors]


def cli_fails(folder: Path, *phrases: str) -> str:
    result = run_main("report", "--rules", str(folder), "--events", str(OCT2020))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    for phrase in phrases:
        assert phrase in result.stderr
    return result.stderr


def test_invalid_yaml_names_line_and_column(rules):
    add(rules, "broken.yaml", "rules:\n  - id: a\n    title: [unclosed\n")
    cli_fails(rules, "broken.yaml:", "invalid YAML at column")


def test_python_tag_is_refused_and_not_executed(rules, tmp_path):
    marker = tmp_path / "pwned"
    add(rules, "evil.yaml", f"rules:\n  - !!python/object/apply:os.system ['touch {marker}']\n")
    cli_fails(rules, "evil.yaml:2", "only plain YAML data is accepted")
    assert not marker.exists()


def test_unknown_key_suggests_the_right_one(rules):
    add(rules, "typo.yaml", "rules:\n  - id: x.y\n    party: us\n    titel: T\n    source: S\n"
                            "    basis: public_text\n    kind: prohibited\n    when: {type: attack}\n")
    assert any("typo.yaml:4: rules[0].titel: unknown field 'titel' (did you mean 'title'?)" in p for p in problems(rules))


def test_all_problems_are_listed_together(rules):
    add(rules, "many.yaml", """rules:
  - id: strikes.defensive_only
    party: us
    title: duplicate
    source: S
    basis: public_text
    kind: prohibited
    when: {type: airstrike}
  - id: unknown.party
    party: usa
    title: T
    source: S
    basis: reported
    kind: prohibited
    when: {type: airstrke}
  - id: orphan
    amends: no.such.rule
    effective_from: 2020-05-01
  - id: negative
    party: us
    title: T
    source: S
    basis: reported
    kind: conditional
    when: {type: airstrike}
    justified_by: {when: {type: attack}, within_days: -1}
  - id: wrong.type
    party: us
    title: T
    source: S
    basis: sometimes
    kind: deadline
    due: 2020-13-45
""")
    found = problems(rules)
    text = "\n".join(found)
    assert "strikes.yaml:2: id: duplicate rule id 'strikes.defensive_only' (first defined at" in text
    assert "many.yaml:10: party: unknown party 'usa' (did you mean 'us'?)" in text
    assert "type 'airstrke' is not declared in agreement.yaml (did you mean 'airstrike'?)" in text
    assert "many.yaml:17: amends: amends 'no.such.rule', which is not a rule in this set" in text
    assert "within_days: must be 0 or more, got -1" in text
    assert "'sometimes' is not one of public_text, reported" in text
    assert len(found) >= 6
    cli_fails(rules, "the rule set cannot be used", "many.yaml:10")


def test_kind_needs_its_fields(rules):
    add(rules, "kind.yaml", "rules:\n  - id: d\n    party: us\n    title: T\n    source: S\n"
                            "    basis: reported\n    kind: deadline\n")
    text = "\n".join(problems(rules))
    # `due` is optional (an undertaking with no date); what fulfils a deadline is not
    assert "a 'deadline' rule needs 'fulfilled_by'" in text and "needs 'due'" not in text


def test_unreal_due_date(rules):
    add(rules, "due.yaml", "rules:\n  - id: d\n    party: us\n    title: T\n    source: S\n    basis: reported\n"
                           "    kind: deadline\n    due: 2021-02-30\n    fulfilled_by: {when: {type: troop_level}}\n")
    assert any("'2021-02-30' is not a real calendar date" in p for p in problems(rules))


def test_empty_folder_and_missing_folder(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "needs agreement.yaml" in problems(empty)[0]
    cli_fails(empty, "agreement.yaml")
    cli_fails(tmp_path / "nowhere", "rule folder not found")


def test_agreement_without_rules(tmp_path):
    folder = tmp_path / "only"
    folder.mkdir()
    shutil.copy(RULES / "agreement.yaml", folder)
    assert "no rules" in problems(folder)[0]


def test_billion_laughs_is_refused_quickly(rules):
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [" + ",".join([f"*a{i-1}"] * 10) + "]")
    add(rules, "laughs.yaml", "\n".join(lines) + "\n")
    assert any("YAML aliases" in p for p in problems(rules))


def test_debug_shows_a_traceback(rules):
    add(rules, "broken.yaml", "rules: [\n")
    result = run_cli("--debug", "report", "--rules", str(rules), "--events", str(OCT2020))
    assert result.returncode == 2 and "Traceback" in result.stderr
