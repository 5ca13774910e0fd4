"""Score the temporal stage on a gold file, through the production path (normalize, then `TemporalTagger`).

Gold: one JSON object a line, {"id", "reference": "YYYY-MM-DD", "text", "expressions": [{"text", "kind", "value"}]}.
Gold spans are located exactly as the contract check (`checks/temporal.py`) locates them: the first occurrence
of the expression's text in the normalized body, else in the gold text. A prediction is detected-correct when
it overlaps a gold span; a gold expression is value-correct when an overlapping prediction has its exact value.
"""
from __future__ import annotations

import json
from collections.abc import Callable

from streams.article import Article
from streams.normalize import normalize

Stage = Callable[[Article], Article]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def load_gold(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def evaluate_gold(path: str, tagger: Stage | None = None) -> dict:
    """Detection precision/recall/F1 and exact-value accuracy of `tagger` (default: a new TemporalTagger)."""
    if tagger is None:
        from streams.temporal import TemporalTagger

        tagger = TemporalTagger()
    gold = load_gold(path)
    n_gold = n_pred = detected_gold = true_pred = exact = 0
    misses: list[dict] = []
    false: list[dict] = []
    for g in gold:
        article = normalize(Article(id=str(g.get("id", "")), title="", body=g["text"],
                                    published_at=g["reference"] + "T12:00:00+03:00"))
        article = tagger(article)
        body = article.body
        golds = []
        for x in g["expressions"]:
            base = body if x["text"] in body else g["text"]
            s = base.find(x["text"])
            golds.append(((s, s + len(x["text"])), x["value"], x))
        preds = [((p.start, p.end), p.value, p.text) for p in article.temporal if p.field == "body"]
        n_gold += len(golds)
        n_pred += len(preds)
        for span, value, x in golds:
            overlapping = [pv for ps, pv, _ in preds if _overlap(span, ps)]
            if overlapping:
                detected_gold += 1
            if value in overlapping:
                exact += 1
            else:
                misses.append({"id": g.get("id"), "text": x["text"], "gold": value, "predicted": overlapping})
        for ps, pv, pt in preds:
            if any(_overlap(ps, gs) for gs, _, _ in golds):
                true_pred += 1
            else:
                false.append({"id": g.get("id"), "text": pt, "value": pv})
    precision = true_pred / n_pred if n_pred else 1.0
    recall = detected_gold / n_gold if n_gold else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "lines": len(gold),
        "gold_expressions": n_gold,
        "predictions": n_pred,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "exact_value": round(exact / n_gold, 4) if n_gold else 1.0,
        "false_prediction_rate": round(1 - precision, 4) if n_pred else 0.0,
        "value_misses": misses,
        "false_predictions": false,
    }


def format_report(result: dict) -> str:
    """A readable summary; the last line is the JSON of the numbers (without the error lists)."""
    lines = [
        (f"temporal gold: {result['lines']} lines, {result['gold_expressions']} expressions, "
         f"{result['predictions']} predictions"),
        f"detection  P {result['precision']:.3f}  R {result['recall']:.3f}  F1 {result['f1']:.3f}",
        f"exact value {result['exact_value']:.3f}   false predictions {result['false_prediction_rate']:.3f}",
    ]
    for m in result.get("value_misses", [])[:20]:
        lines.append(f"  miss  {m['id']}: {m['text']!r} gold {m['gold']} got {m['predicted']}")
    for p in result.get("false_predictions", [])[:20]:
        lines.append(f"  false {p['id']}: {p['text']!r} → {p['value']}")
    summary = {k: v for k, v in result.items() if k not in ("value_misses", "false_predictions")}
    lines.append(json.dumps(summary, ensure_ascii=False))
    return "\n".join(lines)
