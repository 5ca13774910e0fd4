"""Reference time and calendar arithmetic: everything that turns "last month" into `2020-11`.

Year-less dates and months, with no qualifier (`في 10 أغسطس`, `في ديسمبر`), resolve to their latest
occurrence that is not more than `LOOKAHEAD_MONTHS` after the reference month: news mostly looks back, but
an unqualified month just ahead of the publication date is usually an announced event.
"""
from __future__ import annotations

import datetime as dt
import re

from streams.article import Article

LOOKAHEAD_MONTHS = 2
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})")


def reference_of(article: Article) -> tuple[dt.date | None, str]:
    """The date relative expressions are resolved against, and which field it came from.

    The local calendar date as written is used (an offset is not converted to UTC): `+03:00` news published
    at 01:00 means that local day. A Kafka timestamp has no zone, so it is read as UTC.
    """
    for value, name in ((article.published_at, "published_at"), (article.fetched_at, "fetched_at")):
        if isinstance(value, str):
            m = _ISO_DATE.match(value)
            if m:
                try:
                    return dt.date(int(m[1]), int(m[2]), int(m[3])), name
                except ValueError:
                    pass
    ms = article.message_timestamp_ms
    if isinstance(ms, int) and not isinstance(ms, bool) and ms > 0:
        try:
            return dt.datetime.fromtimestamp(ms / 1000, tz=dt.UTC).date(), "message_timestamp"
        except (OverflowError, OSError, ValueError):
            pass
    return None, "none"


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def ym(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def iso_week(date: dt.date) -> str:
    y, w, _ = date.isocalendar()
    return f"{y:04d}-W{w:02d}"


def relative_period(ref: dt.date, unit: str, direction: int) -> str:
    """`unit` Y|M|W shifted by `direction` (-1, 0, +1) from the reference's own period."""
    if unit == "Y":
        return f"{ref.year + direction:04d}"
    if unit == "M":
        return ym(*from_index(month_index(ref.year, ref.month) + direction))
    return iso_week(ref + dt.timedelta(weeks=direction))


def month_year(ref_year: int, ref_month: int, month: int, direction: int | None) -> int:
    """The year of a named month (any calendar): -1 strictly before the reference month, +1 strictly after,
    0 the reference year, None the latest occurrence at most LOOKAHEAD_MONTHS ahead."""
    r = month_index(ref_year, ref_month)
    if direction == 0:
        return ref_year
    if direction == 1:
        return ref_year if month_index(ref_year, month) > r else ref_year + 1
    limit = r - 1 if direction == -1 else r + LOOKAHEAD_MONTHS
    for year in (ref_year + 1, ref_year, ref_year - 1):
        if month_index(year, month) <= limit:
            return year
    return ref_year - 1


def weekday_date(ref: dt.date, weekday: int, mode: str) -> dt.date:
    """mode: `on_or_before` (a bare weekday), `before` (الماضي, أمس), `after` (المقبل), `on_or_after`."""
    back = (ref.weekday() - weekday) % 7
    ahead = (weekday - ref.weekday()) % 7
    if mode == "on_or_before":
        return ref - dt.timedelta(days=back)
    if mode == "before":
        return ref - dt.timedelta(days=back or 7)
    if mode == "after":
        return ref + dt.timedelta(days=ahead or 7)
    return ref + dt.timedelta(days=ahead)


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
