"""The benchmark's input: the shared news articles as raw `news.raw` messages (JSON envelopes)."""
from __future__ import annotations

import gzip
import itertools
from pathlib import Path

import orjson

# Read from ../shared, never copied: the articles' licence forbids redistribution.
DEFAULT_ARTICLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "news" / "saudinewsnet-3000.jsonl.gz"


def load_articles(path: Path) -> list[dict]:
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rb") as f:
        return [orjson.loads(line) for line in f if line.strip()]


def render_scraped(article: dict, total_time: float = 0.25, crumbs=("أخبار الساعة", "محليات")) -> str:
    """The scraper's layout (breadcrumb, title, NBSP-separated paragraphs, footer), so parse does real work."""
    paras = [p.strip() for p in (article.get("content") or "").split("\n") if p.strip()]
    return (" » ".join(crumbs) + "\n\n" + (article.get("title") or "").strip() + "\n\n" + "\n\u00a0\n".join(paras)
            + f"\n\nTotal time: {total_time}")


def envelope(article: dict, article_id: str) -> bytes:
    return orjson.dumps({"id": article_id, "source": article.get("source"), "url": article.get("url"),
                         "date_extracted": article.get("date_extracted"), "text": render_scraped(article)})


def raw_messages(articles: list[dict], count: int, prefix: str, start: int = 0) -> list[tuple[bytes, bytes]]:
    """`count` (key, value) messages cycling over the articles from `start`, each with its own id `prefix-i`
    (also the key). Past the last article they repeat, and the worker's dedup marks them as copies."""
    out = []
    order = itertools.islice(itertools.cycle(articles), start % len(articles), None)
    for i, article in zip(range(count), order):
        article_id = f"{prefix}-{i}"
        out.append((article_id.encode(), envelope(article, article_id)))
    return out
