"""Umm al-Qura Hijri ↔ Gregorian, through `hijridate` (valid for 1343–1500 AH; outside it: None, never raise).

Representation of a Hijri expression coarser than a day, as a Gregorian `value`:
- a Hijri month (`رمضان 1436هـ`) → the Gregorian year-month of its first day (`2015-06`);
- a Hijri year (`1436هـ`) → the Gregorian year of its first day, 1 Muharram (`2014`).
"""
from __future__ import annotations

import datetime as dt

from hijridate import Gregorian, Hijri

MIN_YEAR, MAX_YEAR = 1343, 1500


def to_gregorian(year: int, month: int, day: int) -> dt.date | None:
    if not (MIN_YEAR <= year <= MAX_YEAR and 1 <= month <= 12 and 1 <= day <= 30):
        return None
    try:
        return Hijri(year, month, day).to_gregorian()
    except (ValueError, OverflowError):
        pass
    if day == 30:  # a 29-day month: news still writes the 30th of it now and then
        last = to_gregorian(year, month, 29)
        return last + dt.timedelta(days=1) if last else None
    return None


def to_hijri(date: dt.date) -> tuple[int, int, int] | None:
    try:
        h = Gregorian(date.year, date.month, date.day).to_hijri()
    except (ValueError, OverflowError):
        return None
    return h.year, h.month, h.day


def month_value(year: int, month: int) -> str | None:
    first = to_gregorian(year, month, 1)
    return f"{first.year:04d}-{first.month:02d}" if first else None


def year_value(year: int) -> str | None:
    first = to_gregorian(year, 1, 1)
    return f"{first.year:04d}" if first else None


def day_value(year: int, month: int, day: int) -> str | None:
    date = to_gregorian(year, month, day)
    return date.isoformat() if date else None
