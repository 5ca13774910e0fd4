"""The temporal stage: `TemporalTagger()(article)` fills `article.temporal` for the title and the body."""
from __future__ import annotations

from streams.article import Article, TemporalExpression
from streams.temporal.extract import Extractor
from streams.temporal.resolve import reference_of


class TemporalTagger:
    """Dates, times and durations, resolved against the article's own reference time.

    `reference` on every expression names the field the reference came from (published_at, then fetched_at,
    then message_timestamp). Without any (`"none"`), expressions that need one (weekdays, اليوم, الشهر
    الماضي, a month without a year) are still reported, with `value=None`; explicit ones keep their value.
    """

    def __init__(self) -> None:
        self.extractor = Extractor()  # the patterns themselves are compiled once, at import

    def __call__(self, article: Article) -> Article:
        ref, source = reference_of(article)
        found: list[TemporalExpression] = []
        for field in ("title", "body"):
            text = article.text_of(field)
            if not text or not isinstance(text, str):
                continue
            for c in self.extractor.find(text, ref):
                found.append(TemporalExpression(text[c.start:c.end], field, c.start, c.end, c.kind, c.value, source))
        article.temporal = found
        return article
