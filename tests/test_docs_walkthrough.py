"""docs/adding-an-agreement.md is true: each command it shows, run as shown on docs/examples/, prints
the lines the page pastes (in order; '...' stands for lines left out)."""
from __future__ import annotations

import shlex

from conftest import ROOT, assert_printed_in_order, run_main

PAGE = ROOT / "docs" / "adding-an-agreement.md"


def _blocks(text: str):
    """(fence info, lines) of each fenced block."""
    info, block = None, None
    for line in text.splitlines():
        if line.startswith("```"):
            if block is None:
                info, block = line[3:], []
            else:
                yield info, block
                block = None
        elif block is not None:
            block.append(line)


def _commands_and_outputs():
    """Each `sh` block's command with the plain block that follows it (its output)."""
    blocks = list(_blocks(PAGE.read_text(encoding="utf-8")))
    for (info, lines), (next_info, output) in zip(blocks, blocks[1:]):
        if info == "sh" and next_info == "" and lines[0].startswith("python3 -m doha_compliance "):
            yield lines[0], output


def test_the_walkthrough_shows_real_outputs():
    pairs = list(_commands_and_outputs())
    assert len(pairs) >= 3  # rules check, the report, explain
    for command, output in pairs:
        args = shlex.split(command.split("python3 -m doha_compliance ", 1)[1])
        result = run_main(*args)
        assert result.returncode == 0, (command, result.stderr)
        assert_printed_in_order(output, result.stdout.splitlines(), command)


def test_the_example_rule_folder_passes_rules_check():
    result = run_main("rules", "check", str(ROOT / "docs" / "examples" / "harbour"))
    assert result.returncode == 0 and ": ok — harbour-truce, 6 rules" in result.stdout
