"""Bundled rule sets and examples by name, and --version, in the clone's editable install.

tests/test_wheel.py checks the same names from an installed wheel.
"""
from __future__ import annotations

import json
import shlex
from importlib import metadata

import doha_compliance as dc
from conftest import ROOT, run_cli, run_main
from doha_compliance import bundled

OCT2020_TXT = ROOT / "examples" / "oct2020" / "expected.txt"


def test_editable_install_resolves_names_to_the_repository_folders():
    assert bundled.data_root() == ROOT
    assert bundled.rule_sets() == {"doha": ROOT / "rules" / "doha", "lebanon-2024": ROOT / "rules" / "lebanon-2024",
                                   "minsk-2": ROOT / "rules" / "minsk-2"}
    assert bundled.example("oct2020").events == ROOT / "examples" / "oct2020" / "events.yaml"
    assert bundled.example("acled").events == ROOT / "examples" / "acled" / "afghanistan_oct2020_sample.csv"
    assert set(bundled.examples()) == {p.name for p in (ROOT / "examples").iterdir() if p.is_dir()}


def test_bare_name_is_the_bundled_set_and_a_path_is_a_folder():
    by_name = run_main("report", "--rules", "doha", "--events", "example:oct2020", "--as-of", "2020-10-31")
    assert by_name.returncode == 0, by_name.stderr
    assert by_name.stdout == OCT2020_TXT.read_text(encoding="utf-8")
    missing = run_main("report", "--rules", "rules/nope", "--events", "example:oct2020")
    assert missing.returncode == 2 and "rules/nope: rule folder not found" in missing.stderr


def test_an_existing_folder_named_like_a_bundled_set_wins(tmp_path):
    (tmp_path / "doha").mkdir()
    result = run_main("rules", "check", "doha", cwd=tmp_path)
    assert result.returncode == 2 and "a rule folder needs agreement.yaml" in result.stderr
    assert "doha: ok" not in result.stdout


def test_unknown_name_exits_2_listing_the_bundled_sets(tmp_path):
    for args in (("rules", "check", "dohaa"), ("rules", "list", "dohaa"),
                 ("report", "--rules", "dohaa", "--events", "example:oct2020")):
        result = run_main(*args, cwd=tmp_path)
        assert result.returncode == 2, args
        assert "'dohaa' is neither a rule folder nor a bundled rule set (bundled: doha, lebanon-2024, minsk-2)" in result.stderr
        assert "Traceback" not in result.stderr


def test_rules_list_without_argument_lists_the_bundled_sets():
    result = run_main("rules", "list")
    assert result.returncode == 0, result.stderr
    assert (f"doha  doha-2020, signed 2020-02-29, {len(dc.load_rules(ROOT / 'rules' / 'doha').rule_ids())} rules"
            in result.stdout)
    assert "Agreement for Bringing Peace to Afghanistan" in result.stdout and f"version {dc.__version__}" in result.stdout


def test_rules_list_and_check_take_a_name_or_a_folder():
    by_folder, by_name = run_main("rules", "list", "rules/doha"), run_main("rules", "list", "doha")
    assert by_folder.returncode == 0 and by_folder.stdout == by_name.stdout
    assert by_name.stdout.startswith("doha-2020: ") and "withdrawal.full" in by_name.stdout
    for target in ("doha", "rules/doha"):
        check = run_main("rules", "check", target)
        assert check.returncode == 0 and ": ok — doha-2020" in check.stdout


def test_example_commands_give_the_expected_reports():
    """Each command `example NAME` prints gives the expected report it names (JSON: up to the file's path)."""
    listing = run_main("example")
    assert listing.returncode == 0 and "oct2020" in listing.stdout and "ACLED-shaped sample" in listing.stdout
    checked = 0
    for name in ("oct2020", "timeline_2020_2021", "lebanon_2024", "minsk_2"):
        shown = run_main("example", name)
        assert shown.returncode == 0 and f"folder:   {ROOT / 'examples' / name}" in shown.stdout
        lines = shown.stdout.splitlines()
        for command, note in zip(lines, lines[1:]):
            if not command.startswith("  doha-compliance ") or "gives " not in note:
                continue
            gives = note.split("gives ", 1)[1].split()[0].rstrip(",")
            expected = (ROOT / "examples" / name / gives).read_text(encoding="utf-8")
            result = run_main(*shlex.split(command)[1:])
            assert result.returncode == 0, result.stderr
            if command.endswith("--format json"):
                here = json.dumps(str(ROOT) + "/")[1:-1]
                assert json.loads(result.stdout.replace(here, "")) == json.loads(expected)
            else:
                assert result.stdout == expected
            checked += 1
    assert checked == 20  # oct2020: txt, json; timeline: 4 json, 2 txt; lebanon_2024, minsk_2: 3 txt, 3 json each


def test_example_without_expected_report_still_gives_a_command():
    shown = run_main("example", "ucdp")
    assert shown.returncode == 0 and "  doha-compliance report --rules doha --events example:ucdp\n" in shown.stdout


def test_unknown_example_exits_2(tmp_path):
    for args in (("example", "nope"), ("report", "--rules", "doha", "--events", "example:nope")):
        result = run_main(*args, cwd=tmp_path)
        assert result.returncode == 2 and "no bundled example 'nope' (bundled: acled, lebanon_2024, minsk_2, oct2020" in result.stderr


def test_a_file_named_like_the_shorthand_wins(tmp_path):
    (tmp_path / "example:oct2020").write_text(
        "events:\n  - {id: mine-1, date: 2020-10-01, type: attack, actor: taliban, location_kind: highway}\n",
        encoding="utf-8")
    result = run_main("report", "--rules", "doha", "--events", "example:oct2020", "--events-format", "yaml",
                      "--format", "json", cwd=tmp_path)
    data = json.loads(result.stdout)
    assert data["inputs"]["read"] == 1 and [e["id"] for e in data["events"]] == ["mine-1"]


def test_version_comes_from_the_package_metadata():
    assert dc.__version__ == metadata.version("doha-compliance")
    result = run_cli("--version")
    version, decider = result.stdout.splitlines()  # then which engine decides here (issue 28)
    assert result.returncode == 0 and version == f"doha-compliance {dc.__version__}"
    assert "durable_rules" in decider


def test_library_loads_the_bundled_set_by_name():
    agreement = dc.load_rules(bundled.rule_set("doha"))
    report = dc.evaluate(agreement, dc.read_events(bundled.example("oct2020").events))
    assert agreement.id == "doha-2020" and report.inputs.read == 12

