"""Hostile input, round three (issue 23), item 10: a local ./doha folder silently won over the bundled
set. Every report now names the rule folder it used and a sha256 of its rule files; a local folder
that takes a bundled set's name is said so on stderr too."""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, RULES, run_main

import doha_compliance as dc
from doha_compliance.rules.source import digest

ARGS = ("--events", "example:oct2020", "--as-of", "2020-10-31")


def by_hand(folder: Path) -> str:
    """The definition, written out again: each *.yaml/*.yml file in sorted order of its name, as
    name NUL byte-count NUL bytes."""
    h = hashlib.sha256()
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        if p.suffix in (".yaml", ".yml"):
            data = p.read_bytes()
            h.update(p.name.encode() + b"\0" + str(len(data)).encode() + b"\0" + data)
    return h.hexdigest()


def test_digest_is_names_and_bytes_in_sorted_order() -> None:
    expected = hashlib.sha256(b"a.yaml\x002\x00yz" + b"b.yaml\x001\x00x").hexdigest()
    assert digest({"b.yaml": b"x", "a.yaml": b"yz"}) == expected
    # the byte count keeps the concatenation unambiguous: moving a byte between files changes the hash
    assert digest({"a.yaml": b"y", "b.yaml": b"zx"}) != expected


def test_bundled_set_is_named_and_hashed_however_it_is_typed() -> None:
    sha = by_hand(ROOT / RULES)
    for given in ("doha", str(RULES), str(ROOT / RULES)):
        source = dc.load_rules(dc.bundled.resolve_rules(given) if given == "doha" else given).source
        assert source is not None
        assert (source.name, source.folder, source.bundled, source.sha256) == ("doha", "rules/doha", True, sha)
    result = run_main("report", "--rules", "doha", *ARGS, cwd=ROOT)
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.splitlines()[2] == f"Rules: doha (bundled) sha256 {sha[:12]}"
    report = json.loads(run_main("report", "--rules", "doha", *ARGS, "--format", "json", cwd=ROOT).stdout)
    assert report["rule_set"] == {"name": "doha", "folder": "rules/doha", "bundled": True, "sha256": sha}
    assert f"    sha256 {sha[:12]}" in run_main("rules", "list").stdout.splitlines()


def test_a_local_folder_named_like_the_bundled_set_is_said_so(tmp_path: Path) -> None:
    shutil.copytree(ROOT / RULES, tmp_path / "doha")
    agreement = tmp_path / "doha" / "agreement.yaml"
    agreement.write_bytes(agreement.read_bytes().replace(b"\n", b"\r\n"))  # as a Windows checkout might
    sha = by_hand(tmp_path / "doha")
    assert sha != by_hand(ROOT / RULES)  # the bytes read, not the text: the same rules, another hash
    result = run_main("report", "--rules", "doha", *ARGS, cwd=tmp_path)
    assert result.returncode == 0
    line = f"Rules: ./doha (a local folder, not the bundled set) sha256 {sha[:12]}"
    assert result.stdout.splitlines()[2] == line
    warnings = result.stderr.splitlines()
    assert len(warnings) == 1 and "warning: 'doha' is the local folder ./doha, not the bundled rule set" in warnings[0]
    report = json.loads(run_main("report", "--rules", "doha", *ARGS, "--format", "json", cwd=tmp_path).stdout)
    assert report["rule_set"] == {"name": "doha", "folder": "doha", "bundled": False, "sha256": sha}
    md = run_main("report", "--rules", "doha", *ARGS, "--format", "md", cwd=tmp_path).stdout
    assert "\n" + line + "\n" in md
    html = run_main("report", "--rules", "doha", *ARGS, "--format", "html", cwd=tmp_path).stdout
    assert f'<p id="rule-set" class="meta">Rules: ./doha (a local folder, not the bundled set) sha256 {sha[:12]}</p>' \
        in html
    check = run_main("rules", "check", "doha", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout.splitlines()[1] == line and len(check.stderr.splitlines()) == 1
    listed = run_main("rules", "list", "doha", cwd=tmp_path)
    assert line in listed.stdout.splitlines()[:3]
    # named by its path, it is the folder the user meant: no warning, the same line
    by_path = run_main("report", "--rules", "./doha", *ARGS, cwd=tmp_path)
    assert by_path.stderr == "" and "Rules: ./doha (a local folder, not the bundled set)" in by_path.stdout


def test_another_local_folder_is_a_local_folder(tmp_path: Path) -> None:
    shutil.copytree(ROOT / RULES, tmp_path / "mine")
    result = run_main("report", "--rules", str(tmp_path / "mine"), *ARGS, cwd=ROOT)
    assert result.returncode == 0 and result.stderr == ""
    assert f"Rules: {tmp_path / 'mine'} (a local folder) sha256 {by_hand(ROOT / RULES)[:12]}" in result.stdout


def test_git_keeps_the_rule_files_bytes() -> None:
    """core.autocrlf must not rewrite rules/ on checkout, or a Windows clone would hash differently."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    out = subprocess.run(["git", "check-attr", "text", "rules/doha/agreement.yaml"], cwd=ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert out.strip().endswith("text: unset")
