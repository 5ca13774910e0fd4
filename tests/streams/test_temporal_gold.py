"""The hand-labeled gold file through the production path meets the targets."""
from pathlib import Path

from streams.temporal.evaluate import evaluate_gold, format_report

GOLD = Path(__file__).resolve().parents[1] / "data" / "temporal_gold.jsonl"


def test_gold_file_meets_targets():
    result = evaluate_gold(str(GOLD))
    assert result["gold_expressions"] >= 200
    assert result["f1"] >= 0.90, format_report(result)
    assert result["exact_value"] >= 0.90, format_report(result)
    assert result["false_prediction_rate"] <= 0.10


def test_report_ends_with_json():
    import json

    report = format_report(evaluate_gold(str(GOLD)))
    assert "f1" in json.loads(report.splitlines()[-1])
