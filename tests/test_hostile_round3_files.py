"""Hostile input, round three (issue 23), items 1 and 2: no input or package file overwritten by
--output, and no file's content in a message (links out of a rule folder, stray files in it, a
mapping's `gazetteer:` reaching outside the mapping's folder, jsonschema messages quoting the value)."""
from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

import doha_compliance as dc
from conftest import ROOT, RULES, run_main
from doha_compliance.errors import InputFileError
from doha_compliance.intake.exports.mapping_file import load_mapping

SHIPPED = ROOT / "src" / "doha_compliance" / "mappings"
ACLED = Path("examples") / "acled" / "afghanistan_oct2020_sample.csv"
SECRET = "SECRETSECRET-4f9a"


def fails(*args: str, phrase: str) -> str:
    result = run_main(*args)
    assert result.returncode == 2, (result.stdout[:300], result.stderr)
    assert phrase in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) >= 1
    return result.stderr


def mapping_with_gazetteer(folder: Path, where: str = "g.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHIPPED / "afghanistan.gazetteer.yaml", folder / "g.yaml")
    mapping = folder / "m.yaml"
    mapping.write_text((SHIPPED / "acled.yaml").read_text(encoding="utf-8") + f"gazetteer: {where}\n",
                       encoding="utf-8")
    return mapping


def acled_report(*args: str) -> list[str]:
    return ["report", "--rules", str(RULES), "--events", str(ACLED), "--events-format", "acled",
            "--as-of", "2020-10-31", *args]


# --- item 1: an input overwritten ------------------------------------------------------------------

def test_output_onto_the_gazetteer_a_mapping_names_is_refused(tmp_path):
    mapping = mapping_with_gazetteer(tmp_path)
    before = (tmp_path / "g.yaml").read_bytes()
    fails(*acled_report("--mapping", str(mapping), "--output", str(tmp_path / "g.yaml")), phrase="is an input of this run")
    assert (tmp_path / "g.yaml").read_bytes() == before


def test_output_onto_the_gazetteer_through_another_spelling_is_refused(tmp_path):
    mapping = mapping_with_gazetteer(tmp_path / "sub")
    (tmp_path / "link").symlink_to(tmp_path / "sub")  # the same file by another path: compared by real path
    fails(*acled_report("--mapping", str(mapping), "--output", str(tmp_path / "link" / "." / "g.yaml")),
          phrase="is an input of this run")


@pytest.mark.parametrize("inside", ["src/doha_compliance/mappings/acled.yaml",
                                    "src/doha_compliance/mappings/afghanistan.gazetteer.yaml",
                                    "src/doha_compliance/schemas/new-report.txt",
                                    "src/doha_compliance/templates/report.html.j2",
                                    "examples/oct2020/report.txt"])
def test_output_inside_the_installed_package_is_refused(inside):
    target = ROOT / inside
    before = target.read_bytes() if target.exists() else None
    try:
        fails(*acled_report("--output", str(target)), phrase="installed package")
        assert (target.read_bytes() if target.exists() else None) == before
    finally:  # without the guard the package's file is gone: put it back for the other tests
        if before is None:
            target.unlink(missing_ok=True)
        elif target.read_bytes() != before:
            target.write_bytes(before)


def test_output_onto_any_file_of_the_rule_folder_is_refused(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / RULES, rules)
    (rules / "notes.txt").write_text("not a rule file, but in the folder the run reads\n", encoding="utf-8")
    for name in ("agreement.yaml", "notes.txt"):
        before = (rules / name).read_bytes()
        fails("report", "--rules", str(rules), "--events", str(ACLED), "--events-format", "acled",
              "--output", str(rules / name), phrase="is an input of this run")
        assert (rules / name).read_bytes() == before


def test_output_replacing_a_private_file_keeps_its_mode(tmp_path):
    target = tmp_path / "report.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    result = run_main(*acled_report("--output", str(target)))
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert target.read_text(encoding="utf-8") != "old\n"
    fresh = tmp_path / "fresh.txt"
    assert run_main(*acled_report("--output", str(fresh))).returncode == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask  # a new file: an ordinary one


# --- item 2: file contents leak into messages --------------------------------------------------------

@pytest.fixture
def rule_copy(tmp_path):
    folder = tmp_path / "rules"
    shutil.copytree(ROOT / RULES, folder)
    return folder


def test_a_rule_folder_link_to_a_credentials_file_is_refused_without_its_content(tmp_path, rule_copy):
    secret = tmp_path / "credentials"
    secret.write_text(f"aws_secret_access_key = {SECRET}\n", encoding="utf-8")
    (rule_copy / "zz.yaml").symlink_to(secret)
    err = fails("rules", "check", str(rule_copy), phrase="zz.yaml")
    assert "outside the rule folder" in err and SECRET not in err and "aws_secret" not in err


def test_a_link_inside_the_rule_folder_is_still_read(rule_copy):
    name = "strikes.yaml"
    os.replace(rule_copy / name, rule_copy / f".{name}.real")
    (rule_copy / name).symlink_to(rule_copy / f".{name}.real")  # a link to a file beside it: allowed
    agreement = dc.load_rules(rule_copy)
    assert agreement.rules


@pytest.mark.parametrize("content", [f"aws_secret_access_key = {SECRET}\n",
                                     f"- id: e1\n  date: 2020-10-01\n  note: {SECRET}\n- id: e2\n- id: e3\n",
                                     f"rules: \"{SECRET * 3}\"\n",
                                     f"rules:\n  - id: x\n    kind: \"\\e[31m{SECRET}{SECRET}{SECRET}\"\n"])
def test_a_stray_file_in_a_rule_folder_is_named_by_its_kind_not_echoed(rule_copy, content):
    (rule_copy / "stray.yaml").write_text(content, encoding="utf-8")
    err = fails("rules", "check", str(rule_copy), phrase="stray.yaml")
    assert SECRET not in err and "\x1b" not in err
    assert any(word in err for word in ("a list (3 items)", "text (", "a mapping"))


def test_a_schema_message_still_quotes_a_short_misspelt_value(rule_copy):
    path = rule_copy / "counterterrorism.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("kind: prohibited", "kind: prohibted", 1),
                    encoding="utf-8")
    fails("rules", "check", str(rule_copy), phrase="'prohibted' is not one of")


@pytest.mark.parametrize("where", ["/etc/passwd", "../../../../../../etc/passwd", "../outside.yaml", "up.yaml"])
def test_a_mapping_gazetteer_outside_its_folder_is_refused_without_reading_it(tmp_path, where):
    outside = tmp_path / "outside.yaml"
    outside.write_text(f"clusters: [{SECRET}]\nusers: [{SECRET}]\n", encoding="utf-8")
    mapping = mapping_with_gazetteer(tmp_path / "mine", where)
    if where == "up.yaml":
        (tmp_path / "mine" / "up.yaml").symlink_to(outside)  # a link out of the folder is outside too
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", str(mapping))
    message = str(caught.value)
    assert "outside the mapping's folder" in message
    assert SECRET not in message and "clusters" not in message and "users" not in message
    err = fails("mapping", "check", str(ACLED), "--mapping", str(mapping), phrase="outside the mapping's folder")
    assert SECRET not in err


def test_a_mapping_may_name_a_gazetteer_beside_it_or_a_bundled_one(tmp_path):
    assert load_mapping("acled", str(mapping_with_gazetteer(tmp_path / "a", "g.yaml"))).gazetteer.provinces
    bundled = load_mapping("acled", str(mapping_with_gazetteer(tmp_path / "b", "afghanistan.gazetteer.yaml")))
    assert bundled.gazetteer.provinces


def test_a_gazetteer_keys_and_a_mapping_values_are_short_and_inert(tmp_path):
    (tmp_path / "g.yaml").write_text(f"provinces: {{A: {{spellings: [a]}}}}\n\"{SECRET * 5}\": 1\nprecision: [1]\n",
                                     encoding="utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text((SHIPPED / "acled.yaml").read_text(encoding="utf-8") + "gazetteer: g.yaml\n", encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", str(mapping))
    assert SECRET not in str(caught.value) and "text (" in str(caught.value)
    mapping.write_text((SHIPPED / "acled.yaml").read_text(encoding="utf-8").replace(
        "columns:", f"\"\\e]0;{SECRET * 4}\": 1\ncolumns:", 1), encoding="utf-8")
    with pytest.raises(InputFileError) as caught:
        load_mapping("acled", str(mapping))
    assert SECRET not in str(caught.value) and "\x1b" not in str(caught.value)


def test_an_event_file_duplicate_key_is_not_echoed_whole(tmp_path):
    events = tmp_path / "events.yaml"
    key = f"{SECRET * 10}"
    events.write_text(f"{key}: 1\nevents: []\n{key}: 2\n", encoding="utf-8")
    result = run_main("report", "--rules", str(RULES), "--events", str(events), "--as-of", "2020-10-31")
    assert "appears twice" in result.stderr and SECRET not in result.stderr, result.stderr
