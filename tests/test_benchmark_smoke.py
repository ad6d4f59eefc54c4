"""The benchmark scripts run (at a small N) and their contenders find the same matches.
Timings are not asserted: speed is measured by benchmarks/run.py, not by tests."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, needs_durable


@needs_durable  # its contenders include raw durable_rules
def test_benchmark_smoke(tmp_path):
    out = tmp_path / "bench.json"
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "run.py"), "--n", "1500", "--json", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    data = json.loads(out.read_text())
    assert data[0]["n"] == 1500 and data[0]["counts_agree"]
    assert data[0]["pipeline"]["events"] == data[0]["durable"]["events"] == data[0]["python"]["events"] == 1500
    assert data[0]["durable_tuned"]["counts"] == data[0]["durable"]["counts"]
    assert data[0]["pipeline"]["counts"]["violence"] > 0 and data[0]["pipeline"]["counts"]["justified"] > 0


@needs_durable  # durable_rules rulesets, one per family
def test_ruleset_per_family_smoke():
    result = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "ruleset_per_family.py"), "1500"],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "one ruleset" in result.stdout and result.stdout.count("(same matches)") == 2
