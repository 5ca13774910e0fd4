"""Find temporal expressions in one string and resolve each to an ISO 8601 value.

Each pattern family proposes candidates; overlaps are settled longest-first; then a weekday directly before
an explicit date joins it, and a clock time takes the day of the nearest full date in its sentence.

Span conventions: proclitics (و ف ب ل ك) stay outside a span; prepositions and `منذ` stay outside; a part of
a period (مطلع، نهاية...), a qualifier (الماضي، المقبل) and an era letter (م، هـ) are inside.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass

from streams.temporal import hijri
from streams.temporal import lexicon as lx
from streams.temporal import patterns as P
from streams.temporal.resolve import month_year, relative_period, safe_date, weekday_date, ym

_GMONTH = lx.table(lx.GREGORIAN_MONTHS)
_HMONTH = lx.table(lx.HIJRI_MONTHS)
_WEEKDAY = lx.table(lx.WEEKDAYS)
_QUAL = lx.table(lx.QUALIFIERS)
_UNITS = lx.table(lx.DURATION_UNITS)
_DUALS = lx.table(lx.DUAL_UNITS)
_SINGULAR = lx.table(lx.SINGULAR_UNITS)
_HOURS = lx.table(lx.HOUR_WORDS)
_DAY_ORD = lx.table(lx.DAY_ORDINALS)
_PLURAL_UNITS = lx.table(lx.PLURAL_UNITS)
_QUARTERS = lx.table(lx.YEAR_QUARTERS)
_PART_MONTHS = lx.table(lx.YEAR_PART_MONTHS)
_HALVES = lx.table(lx.YEAR_HALVES)
_PERIODS = lx.table(lx.DAY_PERIODS)
_NUMBERS = lx.table({**lx.ONES, **lx.TEENS, **lx.TEN, **lx.TENS, **lx.HUNDREDS})
key = lx.lookup_key
_BARE_DAY_ORD = lx.table(lx.BARE_DAY_ORDINALS)
_EDGE_PARTS = {key(w) for w in lx.EDGE_PARTS}
# Commodity news names a futures contract by its delivery month: `العقود الآجلة تسليم سبتمبر`.
_DELIVERY = {key(w) for w in ("تسليم", "لتسليم")}
# `نهاية العام نفسه` (that same year), `أواخر العام قبل الماضي` (the year before last): not this period.
_NOT_THIS_PERIOD_BEFORE = {key(w) for w in ("نفسه", "ذاته", "ذلك", "عينه", "قبل", "التالي", "السابق")}
_HOLIDAY_WORDS = {key(w) for w in ("عطلة", "عطلات", "إجازة", "إجازات", "راحة")}
# An ordinal after these counts weeks or parts, not days: الأسبوع الأول من الشهر الحالي.
_NOT_DAY_ORD_AFTER = {key(w) for w in ("الأسبوع", "الاسبوع", "أسبوع", "الأسابيع", "العشر", "الربع", "النصف", "الثلث",
                                       "الجزء", "القسم", "الفصل", "اليومين")}

# A month name alone is a month only after one of these (مارس is also a verb, نيسان a car).
_BARE_MONTH_AFTER = {key(w) for w in ("في", "منذ", "خلال", "حتى", "قبل", "بعد", "من", "إلى", "الى", "بحلول",
                                       "شهري", "شهور", "أشهر", "و", "طيلة", "طوال", "غضون", "اعتبارا", "ابتداء")}
_NOT_WEEKDAY_AFTER = {key(w) for w in ("صلاة", "خطبة", "خطب", "خطيب", "صلوات", "صلاتي", "بن", "بنت", "ابن", "أبو",
                                        "ابو", "آل", "كلا", "هذين", "هذان", "عين", "جمعة", "أمسية")}
_NOT_WEEKDAY_BEFORE = {key(w) for w in ("عشر", "عشرة", "معا", "معاً", "منهما", "منهم", "الأخير", "الأخيرة")}
_NOT_TODAY_AFTER = {key(w) for w in ("عين", "ذلك", "هذا", "نفس", "تلك", "ذات", "مثل", "ليوم")}
_NOT_TODAY_BEFORE = {key(w) for w in ("ذاته", "نفسه", "ذلك", "هذا", "عينه")}
_AGE_CUES = {key(w) for w in ("تحت", "أعمار", "أعمارهم", "أعمارهن", "أعمارها", "الرضا", "سنهم", "العمر", "عمره", "عمرها", "عمر", "سن", "السن", "البالغ", "البالغة", "يبلغ", "تبلغ",
                              "ابن", "ابنة", "بنت", "عمرهم", "أعمارهم", "عمرا", "بعمر", "يناهز", "ناهز", "سنه")}
_MEASURES = {key(w) for w in ("مسافة", "ارتفاع", "عمق", "طول", "بطول", "بعمق", "بارتفاع", "مساحة", "بمساحة",
                              "بمسافة", "عرض", "بعرض", "نحو", "حوالي")}


# Anchors looked at per text (title or body). A 350-word article has about 15; the cap only bounds the time an
# adversarial or giant input can take (expressions after the 800th anchor are not reported).
MAX_ANCHORS = 800


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    kind: str
    value: str | None
    needs_reference: bool = False
    weekday: bool = False
    short_end: int | None = None  # a time's span without its part-of-day words, if those collide


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_" or "\u064b" <= ch <= "\u0652" or ch == "\u0640"


_MAX_OPENING_PUNCTUATION = 16  # `(«` and the like; a longer run before a word is not its opening


def _word_starts(text: str, anchor: int, back: int) -> list[int]:
    """The anchor itself, the start of its word, then the starts of up to `back` words before, on its line.

    Words are found with `rfind` on single spaces (the stored text is normalized); a token opening with
    punctuation, `(الأحد)` or `«الجمعة»`, also starts after it.
    """
    line = text.rfind("\n", 0, anchor)
    j = max(text.rfind(" ", 0, anchor), line) + 1
    starts = [anchor]
    for _ in range(back + 1):
        k, stop = j, min(anchor, j + _MAX_OPENING_PUNCTUATION)
        while k < stop and not _is_word(text[k]):
            k += 1  # opening punctuation: the word starts after it
        if k == stop:
            k = anchor  # no word opens here: a long run of marks (fuzzed `!!!…`) is scanned once, not per anchor
        if k != starts[-1] and k < len(text):
            starts.append(k)
        if j <= line + 1:
            break
        j = max(text.rfind(" ", 0, j - 1), line) + 1
    return starts


def _prev_word(text: str, start: int) -> str:
    m = P.PREVIOUS_WORD.search(text, max(0, start - 24), start)
    if not m:
        return ""
    w = key(m.group(1))
    return w[1:] if len(w) > 2 and w[0] in "وف" and key(w[1:]) in _BARE_MONTH_AFTER | _NOT_WEEKDAY_AFTER else w


def _next_word_as_written(text: str, end: int) -> str:
    """Unfolded, for the article test: folded, إلى would start with ال too."""
    m = P.NEXT_WORD.match(text, end, min(len(text), end + 30))
    return m.group(1) if m else ""


def _next_word(text: str, end: int) -> str:
    return key(_next_word_as_written(text, end))


def _year_calendar(year: int, era: str | None) -> str | None:
    """`g` or `h` for a four-digit year with an optional era letter, None if implausible."""
    if era and era.startswith("ه"):
        return "h" if hijri.MIN_YEAR <= year <= hijri.MAX_YEAR else None
    if not era and hijri.MIN_YEAR <= year <= hijri.MAX_YEAR:
        return "h"
    if era == "م":
        return "g" if 1900 <= year <= 2100 else None
    return "g" if 1000 <= year <= 2100 else None


def _year_value(year: int, era: str | None) -> str | None:
    cal = _year_calendar(year, era)
    if cal == "g":
        return f"{year:04d}"
    if cal == "h":
        return hijri.year_value(year)
    return None


def _with_reach(families: list) -> tuple[int, list]:
    return max(back for _, _, back in families), families


class Extractor:
    """Stateless after construction; `find(text, ref)` is safe to call from any thread."""


    def __init__(self) -> None:
        # Each family list goes with the most words any of its patterns may start before the anchor.
        self._digit_families = _with_reach([(pat, getattr(self, name), back) for pat, name, back in P.DIGIT_FAMILIES])
        self._anchors = [(stems, _with_reach([(pat, getattr(self, name), back) for pat, name, back in families]))
                         for stems, families in P.ANCHORS]

    def find(self, text: str, ref: dt.date | None) -> list[Candidate]:
        if not text:
            return []
        if P.OTHER_DIGIT.search(text):
            text = text.translate(P.DIGITS)
        anchors: list[tuple[int, list]] = []
        for m in P.LATIN_DIGIT_RUN.finditer(text):
            anchors.append((m.start(), self._digit_families))
            if len(anchors) >= MAX_ANCHORS:
                break
        for stems, families in self._anchors:
            for stem in stems:
                i = text.find(stem)
                n = 0
                while i >= 0 and n < MAX_ANCHORS:
                    anchors.append((i, families))
                    n += 1
                    i = text.find(stem, i + len(stem))
        if len(anchors) > MAX_ANCHORS:  # keep the earliest: a bounded cost on any input, whole articles in practice
            anchors.sort(key=lambda a: a[0])
            del anchors[MAX_ANCHORS:]
        cands: list[Candidate] = []
        tried: set[tuple[int, int]] = set()
        for pos, families in anchors:
            self._try(text, ref, pos, families, tried, cands)
        chosen = _settle(cands, len(text))
        chosen = _join_weekdays(text, chosen)
        chosen = _year_parts(text, chosen)
        _and_a_half(text, chosen)
        _month_days(text, chosen)
        _attach_times(text, chosen)
        return chosen

    def _try(self, text: str, ref, anchor: int, reach_families, tried: set, out: list[Candidate]) -> None:
        reach, families = reach_families
        starts = _word_starts(text, anchor, reach)
        # a proclitic glued to a number word (بعشرة أيام، لخمسة وعشرين عاما): also try just after it
        glued = [p + 1 for p in starts[1:] if text[p] in "وفبلك" and p + 1 < anchor]
        for pattern, handler, back in families:
            for pos in starts[:back + 2] + glued[:back + 1]:
                k = (id(pattern), pos)  # a Pattern's own hash rehashes its whole program
                if k in tried:
                    continue
                tried.add(k)
                m = pattern.match(text, pos)
                if m is None:
                    continue
                try:
                    handler(m, text, ref, out)
                except (ValueError, OverflowError, KeyError, TypeError, IndexError):
                    continue  # one odd match must never cost the article its other expressions

    # -- handlers: each appends zero or more candidates ------------------------------------------------------

    def _month(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        start, end = m.span("s")
        day = int(m["day"]) if m["day"] else _DAY_ORD.get(key(m["dayord"])) if m["dayord"] else None
        qual = _QUAL[key(m["qual"])] if m["qual"] else None
        year = int(m["year"]) if m["year"] else None
        era = m["era"]
        if m["wd"] and day is None:
            start = m.start("gm") if m["gm"] else m.start("hm")
            if m["part"] or m["shahr"]:
                return
        if m["hm"]:
            month = _HMONTH[key(m["hm"])]
            if year is not None and _year_calendar(year, era) != "h":
                return
            if day is None and year is None and qual is None and not m["shahr"]:
                return  # رمضان alone is as often a name as a date; شهر رمضان is the month
            if year is None:
                h = hijri.to_hijri(ref) if ref else None
                if h is None:
                    out.append(Candidate(start, end, "date", None, needs_reference=True))
                    return
                year = month_year(h[0], h[1], month, qual)
            value = hijri.day_value(year, month, day) if day else hijri.month_value(year, month)
            if value:
                out.append(Candidate(start, end, "date", value, weekday=False))
            return
        month = _GMONTH[key(m["gm"])]
        if year is not None and (_year_calendar(year, era) != "g"):
            # a Hijri year after a Gregorian month is a different expression: keep the month alone
            end = m.end("gm2") if m["gm2"] else m.end("gm")
            if end <= m.start("year"):
                year, era = None, None
            else:
                return
        bare = day is None and year is None and qual is None and not m["part"] and not m["shahr"] and not m["gm2"]
        prev = _prev_word(text, start)
        delivery = prev in _DELIVERY
        if bare and not delivery and prev not in _BARE_MONTH_AFTER:
            return
        if delivery and year is None and qual is None and ref is not None:
            # a futures contract's month is this month or ahead: `تسليم ديسمبر` in July is this December
            year = ref.year if month >= ref.month else ref.year + 1
        if year is None:
            if ref is None:
                out.append(Candidate(start, end, "date", None, needs_reference=True))
                return
            year = month_year(ref.year, ref.month, month, qual)
        if day is not None:
            date = safe_date(year, month, day)
            if date is None:
                return
            out.append(Candidate(start, end, "date", date.isoformat()))
        else:
            out.append(Candidate(start, end, "date", ym(year, month)))

    def _numeric(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        a, b, c, era = m["a"], m["b"], m["c"], m["era"]
        if len(a) == 4 and len(c) <= 2:
            year, month, day = int(a), int(b), int(c)
        elif len(c) == 4 and len(a) <= 2:
            day, month, year = int(a), int(b), int(c)
        else:
            return
        cal = _year_calendar(year, era)
        if cal == "h":
            value = hijri.day_value(year, month, day)
        elif cal == "g":
            date = safe_date(year, month, day)
            value = date.isoformat() if date else None
        else:
            return
        if value:
            out.append(Candidate(*m.span("s"), "date", value))

    def _month_year(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        year, month = int(m["year"]), int(m["m"])
        cal = _year_calendar(year, m["era"])
        value = hijri.month_value(year, month) if cal == "h" else ym(year, month) if cal == "g" else None
        if value:
            out.append(Candidate(*m.span("s"), "date", value))

    def _year(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        era = m["era"] if "era" in m.re.groupindex else None
        if "space" in m.re.groupindex and m["space"] and era == "م" and _prev_word(text, m.start("s")) in _MEASURES:
            return
        if era == "م" and "space" in m.re.groupindex and not 1900 <= int(m["year"]) <= 2100:
            return
        value = _year_value(int(m["year"]), era)
        if value is None:
            return
        out.append(Candidate(*m.span("s"), "date", value))
        _year_list(text, m.end(), era, out)

    def _year_range(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        y1, y2 = int(m["y1"]), int(m["y2"])
        era = m["era"] if "era" in m.re.groupindex else None
        v1, v2 = _year_value(y1, era), _year_value(y2, era)
        if y1 < y2 <= y1 + 100 and v1 and v2:
            out.append(Candidate(*m.span("s"), "date", v1))
            out.append(Candidate(*m.span("s2"), "date", v2))

    def _relative_period(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        unit_word = m["unit"] or m["unit2"] or m["unit3"]
        if m["unit3"]:
            # `بداية العام` is this year; `بداية العام الدراسي` (school year), `نهاية العام 2014` are not read here
            if not m["part"] or key(m["part"]) not in _EDGE_PARTS or m["year"]:
                return
            nxt = _next_word_as_written(text, m.end("unit3"))
            if nxt.startswith("ال") or key(nxt) in _NOT_THIS_PERIOD_BEFORE:
                return
            if _prev_word(text, m.start("s")) in _HOLIDAY_WORDS:
                return  # عطلة نهاية الأسبوع is the weekend, any weekend
        unit = {"شهر": "M", "عام": "Y", "سنه": "Y", "اسبوع": "W"}[key(unit_word).removeprefix("ال").lstrip("ل")]
        direction = _QUAL[key(m["qual"])] if m["qual"] else 0
        if m["before"]:
            if direction != -1:
                return
            direction = -2  # العام قبل الماضي: the year before last
        start, end = m.span("s")
        if m["year"] and unit == "Y":
            value = _year_value(int(m["year"]), m["era"])
            if value:
                out.append(Candidate(start, end, "date", value))
                return
        if m["year"]:
            end = m.end("qual") if m["qual"] else m.end("unit2")
        if ref is None:
            out.append(Candidate(start, end, "date", None, needs_reference=True))
            return
        out.append(Candidate(start, end, "date", relative_period(ref, unit, direction)))

    def _weekday(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        start, end = m.span("s")
        if not m["rel"] and not m["tod"] and _prev_word(text, start) in _NOT_WEEKDAY_AFTER:
            return
        if _next_word(text, end) in _NOT_WEEKDAY_BEFORE:
            return
        weekday = _WEEKDAY["ال" + key(m["wd"])[2:]]
        rel = key(m["rel"]) if m["rel"] else ""
        qual = _QUAL[key(m["qual"])] if m["qual"] else None
        if qual == -1 or "امس" in rel or rel == "البارحه":
            mode = "before"
        elif qual == 1 or rel in ("غدا", "غد", "بعد غد", "الغد"):
            mode = "after"
        else:
            mode = "on_or_before"
        if ref is None:
            out.append(Candidate(start, end, "date", None, needs_reference=True, weekday=True))
            return
        out.append(Candidate(start, end, "date", weekday_date(ref, weekday, mode).isoformat(), weekday=True))

    def _relative_day(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        start, end = m.span("s")
        rel = key(m["rel"])
        if rel == "اليوم":
            if not m["tod"] and not m["yawm"] and _prev_word(text, start) in _NOT_TODAY_AFTER:
                return
            nxt = _next_word(text, end)
            if nxt in _NOT_TODAY_BEFORE or (nxt.startswith("ال") and len(nxt) > 3 and not m["tod"]):
                return
            shift = 0
        elif rel in ("الغد", "غد"):
            if not m["yawm"] and not m["tod"]:
                return
            shift = 1
        elif rel == "غدا":
            shift = 1
        elif rel == "بعد غد":
            shift = 2
        elif rel.startswith("اول") or rel == "امس الاول":
            shift = -2
        else:
            shift = -1
        if ref is None:
            out.append(Candidate(start, end, "date", None, needs_reference=True))
            return
        out.append(Candidate(start, end, "date", (ref + dt.timedelta(days=shift)).isoformat()))

    def _duration(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        unit = _UNITS[key(m["unit"])]
        if m["num"]:
            number = m["num"].replace(",", ".")
            amount = float(number) if "." in number else int(number)
        else:
            amount = _number_words(m["numw"])
            if amount is None:
                return
        if not amount:
            return
        start, end = m.span("s")
        if unit == "Y" and _is_age(text, start, end):
            return
        out.append(Candidate(start, end, "duration", _iso_duration(amount, unit)))

    def _plural_duration(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        amount = int(m["num"]) if m["num"] else _number_words(m["numw"])
        if not amount:
            return
        unit = _PLURAL_UNITS[key(m["unit"])]
        out.append(Candidate(*m.span("s"), "duration", _iso_duration(amount, unit)))

    def _dual(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        unit = _DUALS[key(m["unit"])]
        start, end = m.span("s")
        if unit == "Y" and _is_age(text, start, end):
            return
        out.append(Candidate(start, end, "duration", _iso_duration(2, unit)))

    def _single(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        if m["s"]:
            out.append(Candidate(*m.span("s"), "duration", _iso_duration(1, _SINGULAR[key(m["unit"])])))
        elif m["s2"]:
            out.append(Candidate(*m.span("s2"), "duration", _iso_duration(1, _SINGULAR[key(m["unit2"])])))
        elif m["s3"]:
            minutes = 30 if key(m["frac"]) == "نصف" else 15
            out.append(Candidate(*m.span("s3"), "duration", f"PT{minutes}M"))
        else:
            unit = _SINGULAR[key(m["unit4"])]
            if unit == "Y" and _is_age(text, *m.span("s4")):
                return
            out.append(Candidate(*m.span("s4"), "duration", _iso_duration(1.5, unit)))

    def _decades(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        if "frac" in m.re.groupindex:
            years = 25 if key(m["frac"]) == "ربع" else 50
        else:
            unit = key(m["unit"])
            per = 100 if unit.startswith("قر") else 10
            if unit.endswith(("ين", "ان")):
                count = 2
            elif m["num"]:
                count = int(m["num"])
            elif m["numw"]:
                count = _number_words(m["numw"])
            else:
                count = None if unit in ("عقود", "قرون") else 1  # عقود alone is "decades": no count
                if unit == "عقد" and not _a_decade(text, m):
                    return
            if not count:
                return
            years = count * per
        out.append(Candidate(*m.span("s"), "duration", f"P{years}Y"))

    def _clock(self, m: re.Match, text: str, ref, out: list[Candidate]) -> None:
        groups = m.re.groupindex
        if "h" in groups and m["h"] is not None:
            hour = int(m["h"])
        else:
            hour = _HOURS[key(m["hw"])]
        minute = int(m["m"]) if "m" in groups and m["m"] else 0
        frac = key(m["frac"]) if "frac" in groups and m["frac"] else ""
        if frac:
            compact = frac.replace(" ", "")
            if compact.endswith("النصف"):
                minute = 30
            elif compact.endswith("الربع") and compact.startswith("و"):
                minute = 15
            elif compact.endswith("الثلث"):
                minute = 20
            elif "ربع" in compact:
                hour, minute = hour - 1, 45
            elif "mins" in groups and m["mins"]:
                minute = int(m["mins"])
        tod_text = m["tod"] if "tod" in groups else None
        tod = key(tod_text) if tod_text else ""
        if tod:
            add = 12 if tod == "بعد الظهر" else _PERIODS.get(tod, 0)
            if add and 1 <= hour < 12:
                if not (tod.startswith("ظهر") and hour >= 11) and not (tod.startswith("ليل") and hour < 5):
                    hour += 12
            elif tod.startswith("ليل") and hour == 12:
                hour = 0
        if hour == 24:
            hour = 0
        if not (0 <= hour <= 23 and 0 <= minute <= 59):
            return
        start, end = m.span("s")
        short = None
        if tod_text:  # `الساعة العاشرة من صباح الخميس`: the day words may belong to a date expression
            short = start + len(text[start:m.start("tod")].rstrip().removesuffix("من").rstrip())
        out.append(Candidate(start, end, "time", f"T{hour:02d}:{minute:02d}", short_end=short))


def _year_list(text: str, pos: int, era: str | None, out: list[Candidate]) -> None:
    """`عامي 2013 و2014`: each further year of a list is its own expression, in the first one's calendar."""
    for _ in range(8):
        m = P.YEAR_NEXT.match(text, pos)
        if not m:
            return
        value = _year_value(int(m["year"]), m["era"] or era)
        if value is None:
            return
        out.append(Candidate(*m.span("s"), "date", value))
        pos = m.end()


def _number_words(text: str) -> int | None:
    words = [w for w in re.split(r"\s+", text.strip()) if w]
    total = 0
    i = 0
    while i < len(words):
        w = key(words[i]).removeprefix("و")
        two = key(" ".join(words[i:i + 2]))
        if two in _NUMBERS and " " in two:
            total += int(_NUMBERS[two])
            i += 2
            continue
        if w in _NUMBERS:
            total += int(_NUMBERS[w])
        elif key(words[i]) in _NUMBERS:
            total += int(_NUMBERS[key(words[i])])
        else:
            return None
        i += 1
    return total or None


_HOLDING_CUES = {key(w) for w in ("قبل", "بعد", "خلال", "غضون", "مدة", "بمدة", "لمدة")}
_HELD_THINGS = {key(w) for w in ("اجتماع", "اجتماعات", "مؤتمر", "جلسة", "جلسات", "لقاء", "لقاءات", "ندوة", "صفقة",
                                 "اتفاق", "اتفاقية", "قمة", "مباراة", "دورة", "حفل", "ورشة")}


def _a_decade(text: str, m: re.Match) -> bool:
    """Is a lone عقد "a decade"? It is also a contract and the holding of a meeting (`بعد عقد الاجتماع`,
    `خلال عقد مؤتمر`): only after منذ / أكثر من and the like, never before a definite or a held thing."""
    if key(m["cue"]) in _HOLDING_CUES:
        return False
    nxt = _next_word_as_written(text, m.end("s"))
    return not (nxt.startswith("ال") or key(nxt) in _HELD_THINGS)


def _iso_duration(amount: float, unit: str) -> str:
    n = f"{amount:g}" if isinstance(amount, float) else str(amount)
    return f"PT{n}{unit[1]}" if unit.startswith("T") else f"P{n}{unit}"


_WORD = re.compile(r"\w+")


def _is_age(text: str, start: int, end: int) -> bool:
    """`(30 عاما)`, `يبلغ من العمر 30 عاما`, `شاب في الثلاثين`: ages are not durations of events."""
    before = text[max(0, start - 8):start]
    if before.rstrip().endswith("(") or before.rstrip().endswith("،") and "(" in before[-3:]:
        return True
    words = {key(w) for w in _WORD.findall(text, max(0, start - 40), start)[-5:]}
    if words & _AGE_CUES:
        return True
    after = text[end:end + 12]
    return bool(re.match(r"\s*(?:من\s+)?(?:العمر|عمر)", after))


def _settle(cands: list[Candidate], size: int) -> list[Candidate]:
    """Longest first; a time whose part-of-day words collide falls back to its shorter span."""
    cands.sort(key=lambda c: (-(c.end - c.start), c.start))
    taken = bytearray(size + 1)  # 1 where a chosen span lies: each check is one C-level `find`
    chosen: list[Candidate] = []
    for c in cands:
        if taken.find(1, c.start, c.end) < 0:
            pass
        elif c.short_end is not None and c.short_end > c.start and taken.find(1, c.start, c.short_end) < 0:
            c.end = c.short_end
        else:
            continue
        taken[c.start:c.end] = b"\x01" * (c.end - c.start)
        chosen.append(c)
    chosen.sort(key=lambda c: c.start)
    return chosen


_JOIN_GAP = re.compile(r"^[\s،,(\-]*(?:يوم\s+)?$")


def _join_weekdays(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """`الخميس 23 يوليو`: the weekday belongs to the explicit date after it, and takes its value."""
    out: list[Candidate] = []
    i = 0
    while i < len(chosen):
        c = chosen[i]
        nxt = chosen[i + 1] if i + 1 < len(chosen) else None
        if (c.weekday and nxt is not None and nxt.kind == "date" and nxt.value and len(nxt.value) == 10
                and not nxt.weekday and nxt.start - c.end <= 12 and _JOIN_GAP.match(text[c.end:nxt.start])):
            out.append(Candidate(c.start, nxt.end, "date", nxt.value))
            i += 2
            continue
        out.append(c)
        i += 1
    return out


_YEAR_VALUE = re.compile(r"^\d{4}$")
_MONTH_VALUE = re.compile(r"^(\d{4})-(\d{2})$")
_PART_REACH = 48  # characters before a year that `الأشهر الستة الأولى من عام` may take
_DAY_REACH = 24  # characters before a relative month that `الخامس من` may take


def _year_parts(text: str, chosen: list[Candidate]) -> list[Candidate]:
    """`الربع الرابع من العام الحالي`, `النصف الأول من 2015`: the year takes the quarter or half before it
    (`2015-Q4`, `2015-H1`), and the span grows over those words (and over a duration they held)."""
    out = chosen
    for c in chosen:
        if c.kind != "date" or not c.value or not _YEAR_VALUE.match(c.value):
            continue
        m = P.YEAR_PART_BEFORE.search(text, max(0, c.start - _PART_REACH), c.start)
        if m is None:
            continue
        if m["q"]:
            part = f"Q{_QUARTERS[key(m['q'])]}"
        elif m["h"]:
            part = f"H{_HALVES[key(m['h'])]}"
        else:
            months, first = _PART_MONTHS[key(m["n"])], key(m["which"]).endswith("ولي")
            part = (f"Q{1 if first else 4}" if months == 3 else f"H{1 if first else 2}")
        start = m.start("p")
        out = [d for d in out if not (start <= d.start and d.end <= c.start)]
        c.start, c.value = start, f"{c.value}-{part}"
    return out


_COUNTED = re.compile(r"^P(T?)(\d+)([YMWDHS])$")


def _and_a_half(text: str, chosen: list[Candidate]) -> None:
    """`عامين ونصف`, `ثلاث سنوات ونصف`: a counted duration takes the half after it."""
    for c in chosen:
        v = _COUNTED.match(c.value or "") if c.kind == "duration" else None
        if v is None:
            continue
        h = P.HALF_AFTER.match(text, c.end)
        if h is None:
            continue
        c.end, c.value = h.end(), f"P{v[1]}{int(v[2])}.5{v[3]}"


def _month_days(text: str, chosen: list[Candidate]) -> None:
    """`الخامس من الشهر الحالي`, `خامس الشهر الجاري`: a relative month takes the day named before it."""
    for c in chosen:
        v = _MONTH_VALUE.match(c.value or "") if c.kind == "date" else None
        if v is None or "شهر" not in text[c.start:c.end]:
            continue
        m = P.MONTH_DAY_BEFORE.search(text, max(0, c.start - _DAY_REACH), c.start)
        if m is None or _prev_word(text, m.start("p")) in _NOT_DAY_ORD_AFTER:
            continue
        day = _DAY_ORD[key(m["ord"])] if m["ord"] else _BARE_DAY_ORD[key(m["bare"])]
        date = safe_date(int(v[1]), int(v[2]), day)
        if date is None:
            continue
        c.start = m.start("p")
        c.value = date.isoformat()


def _attach_times(text: str, chosen: list[Candidate]) -> None:
    """A clock time takes the day of the nearest full date in its sentence; alone it stays `THH:MM`."""
    days = [d for d in chosen if d.kind == "date" and d.value and len(d.value) == 10]
    starts = [d.start for d in days]
    for c in chosen:
        if c.kind != "time":
            continue
        lo = max((m.end() for m in P.SENTENCE_END.finditer(text, max(0, c.start - 300), c.start)), default=0)
        hi_m = P.SENTENCE_END.search(text, c.end, c.end + 300)
        hi = hi_m.start() if hi_m else min(len(text), c.end + 300)
        best = None
        for d in days[bisect.bisect_left(starts, lo):bisect.bisect_right(starts, hi)]:
            if d.end <= hi:
                dist = c.start - d.end if d.end <= c.start else d.start - c.end
                if best is None or dist < best[0]:
                    best = (dist, d.value)
        if best:
            c.value = best[1] + c.value


__all__ = ["Candidate", "Extractor"]
