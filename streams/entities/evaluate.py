"""Score the production entity stage on a CoNLL file: `khabar eval ner FILE.conll`.

Each sentence's words are joined by single spaces, normalized like any article body, run through the
stage, and its body mentions are matched to the gold spans exactly (type, start, end). The contract check's
looser score (type + `entity_key` of the text, per sentence) is reported alongside under `"key"`.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict

from streams.article import Article
from streams.entities.corpus import GoldSentence, load_gold
from streams.normalize import normalize

TYPES = ("PERS", "LOC", "ORG", "MISC")

_KEY_PUNCT = " \t\n\u00a0؛،.,:;!?\"'«»“”‘’()[]{}-–—…/\\|*"
_KEY_DIAC = re.compile("[\u0617-\u061a\u064b-\u0652\u0640]")
_KEY_FOLD = str.maketrans("أإآٱى", "اااا" + "ي")


def entity_key(t: str) -> str:
    """The contract check's identity of a mention (edge punctuation, spelling and first-word proclitics ignored)."""
    t = _KEY_DIAC.sub("", t.strip(_KEY_PUNCT)).translate(_KEY_FOLD).replace("ة", "ه")
    words = t.split()
    if not words:
        return ""
    w = words[0]
    if len(w) > 3 and w[0] in "وف":
        w = w[1:]
    if len(w) > 3 and w.startswith("لل"):
        w = "ال" + w[2:]
    elif len(w) > 3 and w[0] in "بكل":
        w = w[1:]
    return " ".join([w] + words[1:])


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4), "support": tp + fn}


def _score(per: dict[str, list[int]]) -> dict:
    tp, fp, fn = (sum(v[i] for v in per.values()) for i in range(3))
    out = _prf(tp, fp, fn)
    out.pop("support")
    out["per_type"] = {t: _prf(*per[t]) for t in sorted(per)}
    return out


def evaluate_gold(sentences: list[GoldSentence], recognizer=None, window: int = 1,
                  errors: dict[str, Counter] | None = None) -> dict:
    """Score the stage on gold sentences. `window` > 1 runs that many consecutive sentences as one article
    (one per line), so what the stage does across an article (a name found once tagged where it recurs)
    counts; each sentence is still scored on its own line. `errors`, when given, is filled with
    `missed` (gold spans not predicted) and `spurious` (predicted spans not in gold) as (type, text) counts."""
    if recognizer is None:
        from streams.entities import EntityRecognizer

        recognizer = EntityRecognizer()
    exact: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    keyed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for t in TYPES:
        exact[t], keyed[t] = [0, 0, 0], [0, 0, 0]
    window = max(1, window)
    for at in range(0, len(sentences), window):
        chunk = sentences[at:at + window]
        for gold, body, pred in _tagged_lines(chunk, recognizer):
            if body != gold.text:  # normalization changed the text: compare by text position-free keys only
                gold_spans = Counter((t, gold.text[s:e]) for t, s, e in gold.spans)
                pred_spans = Counter((t, body[s:e]) for t, s, e in pred)
            else:
                gold_spans = Counter(gold.spans)
                pred_spans = Counter(pred)
            _tally(exact, gold_spans, pred_spans)
            if errors is not None:
                _note_errors(errors, gold_spans, pred_spans, gold.text, body)
            _tally(keyed, Counter((t, entity_key(gold.text[s:e])) for t, s, e in gold.spans),
                   Counter((t, entity_key(body[s:e])) for t, s, e in pred))
    result = _score(exact)
    result["key"] = _score(keyed)
    result["sentences"] = len(sentences)
    if window > 1:
        result["window"] = window
    return result


def _tagged_lines(chunk: list[GoldSentence], recognizer) -> list[tuple[GoldSentence, str, list]]:
    """(gold sentence, its normalized text, predicted (type, start, end) in that text) for each sentence of
    `chunk`, tagged as one article with a sentence per line."""
    article = normalize(Article(title="", body="\n".join(g.text for g in chunk)))
    recognizer(article)
    body = article.body
    lines = body.split("\n")
    if len(lines) != len(chunk):  # normalization merged or dropped lines: tag the sentences one by one
        return [row for g in chunk for row in _tagged_lines([g], recognizer)] if len(chunk) > 1 else \
            [(chunk[0], body, [(m.type, m.start, m.end) for m in article.entities if m.field == "body"])]
    out = []
    begin = 0
    for gold, line in zip(chunk, lines):
        end = begin + len(line)
        pred = [(m.type, m.start - begin, m.end - begin) for m in article.entities
                if m.field == "body" and begin <= m.start and m.end <= end]
        out.append((gold, line, pred))
        begin = end + 1
    return out


def _tally(per: dict[str, list[int]], gold: Counter, pred: Counter) -> None:
    for key, n in (gold & pred).items():
        per[key[0]][0] += n
    for key, n in (pred - gold).items():
        per[key[0]][1] += n
    for key, n in (gold - pred).items():
        per[key[0]][2] += n


def _note_errors(errors: dict[str, Counter], gold: Counter, pred: Counter, gold_text: str, body: str) -> None:
    def text_of(key: tuple, text: str) -> tuple[str, str]:
        return (key[0], key[1]) if len(key) == 2 else (key[0], text[key[1]:key[2]])

    for key, n in (gold - pred).items():
        errors.setdefault("missed", Counter())[text_of(key, gold_text)] += n
        errors.setdefault("why_missed", Counter())[(key[0], _why(key, pred))] += n
    for key, n in (pred - gold).items():
        errors.setdefault("spurious", Counter())[text_of(key, body)] += n
        errors.setdefault("why_spurious", Counter())[(key[0], _why(key, gold))] += n


# Why a span has no exact match on the other side. A fix differs by kind: a name not found at all wants
# knowledge (lists, vectors), one found with the wrong type wants context, one cut or run on wants boundaries.
NOT_FOUND, WRONG_TYPE, WRONG_SPAN = "nothing there", "wrong type", "wrong span"
WHY = (NOT_FOUND, WRONG_TYPE, WRONG_SPAN)


def _why(key: tuple, other: Counter) -> str:
    """`key`'s kind of error against the other side's spans: the same words with another type, overlapping
    words, or nothing. Spans keyed by text alone (normalization moved the text) can only be told apart by type."""
    if len(key) == 2:
        return WRONG_TYPE if any(k[1] == key[1] and k[0] != key[0] for k in other) else NOT_FOUND
    _, start, end = key
    overlapping = [k for k in other if len(k) == 3 and k[1] < end and start < k[2]]
    if any((k[1], k[2]) == (start, end) for k in overlapping):
        return WRONG_TYPE
    return WRONG_SPAN if overlapping else NOT_FOUND


def evaluate_conll(path: str, recognizer=None, window: int = 1,
                   errors: dict[str, Counter] | None = None) -> dict:
    """Precision/recall/F1 (micro and per type) of the production stage on a `word TAG` CoNLL file."""
    return evaluate_gold(load_gold(path), recognizer, window, errors)


def format_errors(errors: dict[str, Counter], top: int) -> str:
    """The `top` commonest missed and spurious spans of each type, commonest first: where to look first."""
    rows = []
    for kind, title in (("missed", "missed (in gold, not found)"), ("spurious", "spurious (found, not in gold)")):
        counts = errors.get(kind, Counter())
        for t in TYPES:
            listed = [(text, n) for (typ, text), n in counts.most_common() if typ == t][:top]
            if listed:
                shown = ", ".join(f"{text} ×{n}" if n > 1 else text for text, n in listed)
                rows.append(f"{t} {title}, {sum(n for (typ, _), n in counts.items() if typ == t)} in all: {shown}")
    rows += _why_table(errors)
    return "\n".join(rows)


def _why_table(errors: dict[str, Counter]) -> list[str]:
    """Missed spans by gold type and spurious ones by predicted type, split by kind of error (`_why`)."""
    rows = []
    for kind, title in (("why_missed", "missed, by gold type"), ("why_spurious", "spurious, by found type")):
        counts = errors.get(kind)
        if not counts:
            continue
        rows.append(f"{title:<24}" + "".join(f"{t:>6}" for t in TYPES) + f"{'all':>6}")
        for why in WHY:
            cells = [counts[(t, why)] for t in TYPES]
            rows.append(f"  {why:<22}" + "".join(f"{c:>6}" for c in cells) + f"{sum(cells):>6}")
    return rows


def format_report(result: dict) -> str:
    rows = [f"{'type':<6} {'P':>6} {'R':>6} {'F1':>6} {'support':>8}   key-F1"]
    for t, s in result["per_type"].items():
        k = result.get("key", {}).get("per_type", {}).get(t, {})
        rows.append(f"{t:<6} {s['precision']:>6.3f} {s['recall']:>6.3f} {s['f1']:>6.3f} {s['support']:>8}   "
                    f"{k.get('f1', 0):.3f}")
    rows.append(f"{'micro':<6} {result['precision']:>6.3f} {result['recall']:>6.3f} {result['f1']:>6.3f} "
                f"{'':>8}   {result.get('key', {}).get('f1', 0):.3f}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """`python -m streams.entities.evaluate FILE.conll [MODEL_DIR]`: the table, then the JSON as last line."""
    import json
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m streams.entities.evaluate FILE.conll [MODEL_DIR]", file=sys.stderr)
        return 2
    from streams.entities import EntityRecognizer

    result = evaluate_conll(args[0], EntityRecognizer(args[1] if len(args) > 1 else None))
    print(format_report(result))
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
