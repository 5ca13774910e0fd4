"""Count the gaps where a name was cut out of the text, which scrapers leave as `، ،` (or `, ,`)."""
from __future__ import annotations

import re

from streams.article import Article

_GAP = re.compile(r"[،,][ \u00a0]*(?=[،,])")


def count_redactions(text: str) -> int:
    return len(_GAP.findall(text))


def mark_redactions(article: Article) -> Article:
    article.redactions = count_redactions(article.title) + count_redactions(article.body)
    return article
