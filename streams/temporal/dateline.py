"""A publication-date line at the top or bottom of scraped text (`نشر في: 2020-12-27 10:30`)."""
from __future__ import annotations

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DATELINE = re.compile(
    r"^(?:(?:تاريخ النشر|نشر في|نُشر في|نشر بتاريخ|آخر تحديث|published(?: on| at)?|date)\s*+[:：]?\s*+)?"
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$",
    re.IGNORECASE,
)
# The longest line the pattern can match, with room for stray spaces: a paragraph is never a date line,
# and translating its digits first would cost more than the rest of parsing.
_MAX_DATELINE_CHARS = 64
_DIGIT = re.compile(r"\d")  # any Unicode digit: most lines tried (breadcrumb, title) have none


def parse_dateline(line: str) -> str | None:
    """ISO 8601 date or date-time if the whole line is a publication date, else None."""
    line = line.strip()
    if len(line) > _MAX_DATELINE_CHARS or not _DIGIT.search(line):
        return None
    m = _DATELINE.match(line.translate(_DIGITS))
    if not m:
        return None
    y, mo, d, hh, mm, ss = m.groups()
    if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
        return None
    date = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
    if hh is None:
        return date
    return f"{date}T{int(hh):02d}:{int(mm):02d}:{int(ss or 0):02d}"
