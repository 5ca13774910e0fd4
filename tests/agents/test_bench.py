"""`khabar bench --quick` end to end: real brokers and workers, checked for shape and consistency, not speed."""
import json
import math
import re
import subprocess
import sys

import pytest

from tests.conftest import NEWS

pytestmark = pytest.mark.integration

KEYS = ("stages_us", "inprocess_per_s", "e2e_per_s", "efficiency", "plumbing_per_s", "passthrough_per_s",
        "plumbing_ratio", "scaleout", "p50_ms", "p99_ms", "rss_mb")
STAGES = ("parse", "normalize", "redactions", "language", "identity", "entities", "temporal")


def _positive(x) -> bool:
    return isinstance(x, (int, float)) and math.isfinite(x) and x > 0


@pytest.mark.timeout(420)
def test_quick_bench_reports_consistent_numbers():
    if not NEWS.exists():
        pytest.skip(f"shared news data not found at {NEWS}")
    run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--quick", "--scale-rounds", "2"], check=False,
                         capture_output=True, text=True, timeout=400)
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert len(lines) > 1, "a readable table comes before the JSON"
    assert "[bench" in run.stderr, "progress goes to stderr"

    for key in KEYS:
        assert key in result, key
    assert set(STAGES) <= set(result["stages_us"])
    assert all(_positive(result["stages_us"][s]) for s in ("parse", "normalize", "entities", "temporal"))
    for key in KEYS[1:]:
        assert _positive(result[key]), (key, result[key])

    def close(a, b):
        return math.isclose(a, b, rel_tol=0.01, abs_tol=0.002)

    assert close(result["efficiency"], result["e2e_per_s"] / result["inprocess_per_s"])
    before, drift = result["inprocess_per_s_before"], result["inprocess_drift"]  # bracketing e2e
    assert 0.2 < drift < 5 and close(result["inprocess_per_s"], before * (1 + drift) / 2)
    assert close(result["plumbing_ratio"], result["plumbing_per_s"] / result["passthrough_per_s"])
    by_workers = result["e2e_per_s_by_workers"]
    assert set(by_workers) == {"1", "2"} and "scale1_worker_cpu_ms" in result  # measured next to each other
    assert close(result["scaleout"], by_workers["2"] / by_workers["1"])  # the means over both rounds
    assert len(result["scaleout_rounds"]) == 2 and min(result["scaleout_rounds"]) <= result["scaleout"] * 1.01
    assert result["scaleout"] <= max(result["scaleout_rounds"]) * 1.01
    starts = re.findall(r"scale-out round (\d)/2: broker on \d+, starting (\d) worker", run.stderr)
    assert starts == [("1", "1"), ("1", "2"), ("2", "2"), ("2", "1")]  # the second round runs the group first
    assert result["p50_ms"] <= result["p99_ms"]
    assert result["e2e_complete"] and result["plumbing_complete"]
    assert result["latency_messages"] > 0
    fused = result["fused"]  # the default staged run measures the fused topology too
    assert result["topology"] == "staged"
    assert fused["e2e_complete"] and fused["plumbing_complete"]
    assert close(fused["efficiency"], fused["e2e_per_s"] / result["inprocess_per_s"])
    assert close(fused["plumbing_ratio"], fused["plumbing_per_s"] / result["passthrough_per_s"])


def test_bench_json_only_prints_one_line(monkeypatch, capsys):
    """The report alone, on a canned result: --json-only leaves nothing but the JSON line."""
    from agents.bench.report import print_report
    from agents.bench.run import BenchOptions, Result

    result = Result(values={"stages_us": {"parse": 1.0}, "e2e_per_s": float("nan"), "messages": 1})
    print_report(result, BenchOptions(), json_only=True)
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert json.loads(out[0]) == {"stages_us": {"parse": 1.0}, "e2e_per_s": None, "messages": 1}
