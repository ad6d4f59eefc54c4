"""The mutation check (tools/mutate.py), in the `thorough` hypothesis profile only.

    pytest --hypothesis-profile=thorough tests/test_mutation.py      # a sample: about 20 minutes
    MUTATE_SAMPLE=0 pytest --hypothesis-profile=thorough tests/test_mutation.py   # every mutant: hours

A sample of mutants of every verdict module (MUTATE_SAMPLE per module, 8 by default, the same
ones each run) must each be killed by a test or be listed, with why, in tools/mutation-survivors.txt.
A new survivor fails this test: add a test that kills it (tests/test_mutants.py), or list it with
the reason it cannot be told apart. tests/README.md has the figures of the last full run.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from hypothesis import settings

from conftest import ROOT


@pytest.mark.skipif(settings.get_current_profile_name() != "thorough",
                    reason="minutes to hours: runs with --hypothesis-profile=thorough")
def test_every_sampled_mutant_is_killed_or_accepted():
    sample = os.environ.get("MUTATE_SAMPLE", "8")
    done = subprocess.run([sys.executable, str(ROOT / "tools" / "mutate.py"), "--sample", sample, "--jobs", "2", "--check"],
                          cwd=ROOT, capture_output=True, text=True, timeout=6 * 3600)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
