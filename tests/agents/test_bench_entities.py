"""`khabar bench --entities`: the entity stage alone, the shipped tagger against the CRF alone. Checked for
shape and consistency, not speed."""
import json
import math
import subprocess
import sys

import pytest

from agents.bench.entities import EntityBench, EntityRun
from tests.conftest import NEWS


def test_ratios_and_medians_come_from_the_rounds():
    bench = EntityBench(10, [{"ensemble": EntityRun("ensemble", 100.0, 5), "crf": EntityRun("crf", 200.0, 4)},
                             {"ensemble": EntityRun("ensemble", 150.0, 5), "crf": EntityRun("crf", 200.0, 4)},
                             {"ensemble": EntityRun("ensemble", 90.0, 5), "crf": EntityRun("crf", 100.0, 4)}])
    data = bench.as_json()
    assert data["ratio"] == [0.5, 0.75, 0.9]
    assert data["ensemble_median_per_s"] == 100.0 and data["crf_median_per_s"] == 200.0
    assert data["ratio_median"] == 0.75  # the median of the rounds' ratios, not a ratio of medians (0.5)


@pytest.mark.timeout(300)
def test_entity_bench_runs_both_taggers_in_alternating_rounds():
    if not NEWS.exists():
        pytest.skip(f"shared news data not found at {NEWS}")
    run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--entities", "--inprocess-articles", "12",
                          "--scale-rounds", "2", "--prewarm-words", "300"], check=False, capture_output=True,
                         text=True, timeout=280)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "of the CRF alone's rate" in run.stdout, "a readable summary comes before the JSON"
    assert result["articles"] == 12 and result["rounds"] == 2
    assert result["prewarm_words"] == 300 and len(result["prewarm_s"]) == 2 and all(x > 0 for x in result["prewarm_s"])
    assert "working out 300 common words" in run.stdout
    for e, c, r in zip(result["ensemble_per_s"], result["crf_per_s"], result["ratio"]):
        assert e > 0 and c > 0 and math.isclose(r, e / c, rel_tol=0.01)
    order = [line.split(": ")[1].split()[0] for line in run.stderr.splitlines() if " over 12 articles" in line]
    assert order == ["ensemble", "crf", "crf", "ensemble"]  # the second round runs the CRF first


@pytest.mark.timeout(300)
def test_warm_articles_are_tagged_untimed_before_the_timed_ones():
    if not NEWS.exists():
        pytest.skip(f"shared news data not found at {NEWS}")
    run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--entities", "--inprocess-articles", "12",
                          "--scale-rounds", "1", "--warm-articles", "8", "--prewarm-words", "0"], check=False,
                         capture_output=True, text=True, timeout=280)
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["articles"] == 4 and result["warm_articles"] == 8
    assert "after 8 untimed ones" in run.stdout and "no common words worked out" in run.stdout
    assert result["prewarm_words"] == 0 and result["prewarm_s"] == [0.0]
    assert " over 4 articles" in run.stderr


def test_warm_articles_must_leave_some_to_time_and_go_with_entities():
    run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--warm-articles", "5"],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "--warm-articles goes with --entities" in run.stderr
    run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--prewarm-words", "5"],
                         check=False, capture_output=True, text=True, timeout=60)
    assert run.returncode != 0 and "--prewarm-words goes with --entities" in run.stderr
    if NEWS.exists():
        run = subprocess.run([sys.executable, "-m", "agents.cli", "bench", "--entities", "--inprocess-articles", "5",
                              "--warm-articles", "5"], check=False, capture_output=True, text=True, timeout=120)
        assert run.returncode != 0 and "must leave articles to time" in run.stderr
