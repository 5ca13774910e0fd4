"""Words that carry time in Arabic news: month names (both series), Hijri months, weekdays, units, numbers.

Every entry is written once in its common spelling; `variants` turns it into a pattern that also accepts the
spellings news actually uses (hamza or not on alef, ى for final ي, ه for final ة).
"""
from __future__ import annotations

import re

# Gregorian months in the Egyptian/Gulf series and the Levantine (Syriac) series. آب alone is left out on
# purpose: without its hamza it is أب/اب (father), so it only counts when written with madda (see patterns).
GREGORIAN_MONTHS: dict[str, int] = {
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "ابريل": 4, "إبريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
    "كانون الثاني": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6, "تموز": 7, "آب": 8,
    "أيلول": 9, "تشرين الأول": 10, "تشرين الثاني": 11, "كانون الأول": 12,
}

HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع الاول": 3, "ربيع أول": 3, "ربيع الآخر": 4, "ربيع الثاني": 4,
    "ربيع ثاني": 4, "جمادى الأولى": 5, "جمادى الأول": 5, "جمادى الاولى": 5, "جمادى الآخرة": 6,
    "جمادى الآخر": 6, "جمادى الثانية": 6, "جمادى الثاني": 6, "رجب": 7, "شعبان": 8, "رمضان": 9, "شوال": 10,
    "ذو القعدة": 11, "ذي القعدة": 11, "ذا القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12, "ذا الحجة": 12,
}

# Monday = 0, as in `datetime.weekday()`.
WEEKDAYS: dict[str, int] = {
    "الاثنين": 0, "الإثنين": 0, "الأثنين": 0, "الثلاثاء": 1, "الثلثاء": 1, "الأربعاء": 2, "الاربعاء": 2,
    "الخميس": 3, "الجمعة": 4, "السبت": 5, "الأحد": 6, "الاحد": 6,
}

# Direction words after a period or a name: -1 past, 0 current, +1 next.
QUALIFIERS: dict[str, int] = {
    "الماضي": -1, "الماضية": -1, "المنصرم": -1, "المنصرمة": -1, "الفائت": -1, "الفائتة": -1,
    "السابق": -1, "السابقة": -1,
    "الجاري": 0, "الجارية": 0, "الحالي": 0, "الحالية": 0,
    "المقبل": 1, "المقبلة": 1, "القادم": 1, "القادمة": 1,
}

# Parts of a period ("early/mid/late June"): the expression still resolves to the period itself.
PERIOD_PARTS = ("مطلع", "أوائل", "اوائل", "منتصف", "أواسط", "أواخر", "اواخر", "نهاية", "نهايه", "بداية", "بدايه",
                "مستهل", "مطلع", "أول", "آخر", "غرة", "ختام", "خلال", "طوال", "مدى")

# The parts that name the start or end of a period: `منذ بداية الأسبوع` is this week even without الحالي
# (`خلال العام`, `طوال العام` are any year, and stay unread).
EDGE_PARTS = ("مطلع", "بداية", "مستهل", "نهاية", "ختام", "أواخر", "أوائل", "منتصف", "أواسط")

PERIOD_UNITS: dict[str, str] = {"الشهر": "M", "العام": "Y", "السنة": "Y", "الأسبوع": "W", "الاسبوع": "W"}

# Duration units: every spelling → ISO designator. Dual forms carry their own count of 2.
DURATION_UNITS: dict[str, str] = {
    "سنة": "Y", "سنه": "Y", "سنوات": "Y", "سنين": "Y", "عام": "Y", "أعوام": "Y", "اعوام": "Y", "عاما": "Y",
    "عامًا": "Y", "عاماً": "Y",
    "شهر": "M", "أشهر": "M", "اشهر": "M", "شهور": "M", "شهرا": "M", "شهرًا": "M", "شهراً": "M",
    "أسبوع": "W", "أسابيع": "W", "اسابيع": "W", "أسبوعا": "W", "أسبوعًا": "W", "أسبوعاً": "W", "اسبوع": "W",
    "يوم": "D", "أيام": "D", "ايام": "D", "يوما": "D", "يومًا": "D", "يوماً": "D",
    "ساعة": "TH", "ساعات": "TH", "دقيقة": "TM", "دقائق": "TM", "ثانية": "TS", "ثوان": "TS", "ثواني": "TS",
}
DUAL_UNITS: dict[str, str] = {
    "سنتين": "Y", "سنتان": "Y", "عامين": "Y", "عامان": "Y", "شهرين": "M", "شهران": "M",
    "أسبوعين": "W", "أسبوعان": "W", "اسبوعين": "W", "يومين": "D", "يومان": "D",
    "ساعتين": "TH", "ساعتان": "TH", "دقيقتين": "TM", "دقيقتان": "TM",
}
# Singular units that make a one-unit duration after `لمدة` or before `واحد/واحدة`.
SINGULAR_UNITS: dict[str, str] = {"سنة": "Y", "عام": "Y", "شهر": "M", "أسبوع": "W", "اسبوع": "W", "يوم": "D",
                                  "ساعة": "TH", "دقيقة": "TM"}

ONES: dict[str, int] = {
    "واحد": 1, "واحدة": 1, "اثنان": 2, "اثنين": 2, "اثنتان": 2, "اثنتين": 2, "ثلاث": 3, "ثلاثة": 3,
    "أربع": 4, "أربعة": 4, "خمس": 5, "خمسة": 5, "ست": 6, "ستة": 6, "سبع": 7, "سبعة": 7, "ثمان": 8,
    "ثماني": 8, "ثمانية": 8, "تسع": 9, "تسعة": 9,
}
TEENS: dict[str, int] = {"أحد عشر": 11, "إحدى عشرة": 11, "احدى عشرة": 11, "اثنا عشر": 12, "اثني عشر": 12,
                         "اثنتا عشرة": 12, "اثنتي عشرة": 12}
TEN: dict[str, int] = {"عشر": 10, "عشرة": 10}
TENS: dict[str, int] = {
    "عشرون": 20, "عشرين": 20, "ثلاثون": 30, "ثلاثين": 30, "أربعون": 40, "أربعين": 40, "خمسون": 50,
    "خمسين": 50, "ستون": 60, "ستين": 60, "سبعون": 70, "سبعين": 70, "ثمانون": 80, "ثمانين": 80,
    "تسعون": 90, "تسعين": 90,
}
HUNDREDS: dict[str, int] = {"مائة": 100, "مئة": 100, "مائتي": 200, "مئتي": 200, "مائتين": 200, "مئتين": 200}

# Clock hours as ordinal words (الساعة العاشرة), longest first in the pattern.
HOUR_WORDS: dict[str, int] = {
    "الواحدة": 1, "الثانية": 2, "الثالثة": 3, "الرابعة": 4, "الخامسة": 5, "السادسة": 6, "السابعة": 7,
    "الثامنة": 8, "التاسعة": 9, "العاشرة": 10, "الحادية عشرة": 11, "الحادية عشر": 11, "الثانية عشرة": 12,
    "الثانية عشر": 12,
}
# Plural units that take their count after them, with the article: السنوات السبع الأخيرة، الأيام الـ60 المقبلة.
PLURAL_UNITS: dict[str, str] = {
    "سنوات": "Y", "أعوام": "Y", "اعوام": "Y", "أشهر": "M", "اشهر": "M", "شهور": "M", "أسابيع": "W",
    "اسابيع": "W", "أيام": "D", "ايام": "D", "ساعات": "TH", "دقائق": "TM",
}
# Words that may close such a period: its direction, or first / last.
PERIOD_ENDS = ("الماضية", "المنصرمة", "الفائتة", "السابقة", "المقبلة", "القادمة", "الأخيرة", "الأولى", "الحالية",
               "الجارية")
# Parts of a year: the quarter or half it names (الربع الرابع من العام الحالي → 2015-Q4).
YEAR_QUARTERS: dict[str, int] = {"الأول": 1, "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الأخير": 4}
YEAR_HALVES: dict[str, int] = {"الأول": 1, "الاول": 1, "الثاني": 2, "الأخير": 2}
# The first or last months of a year that make a quarter or a half (الأشهر الستة الأولى → H1).
YEAR_PART_MONTHS: dict[str, int] = {"الثلاثة": 3, "الستة": 6}
# Ordinal day of month (الأول من يوليو).
DAY_ORDINALS: dict[str, int] = {"الأول": 1, "الاول": 1, "الثاني": 2, "الثالث": 3, "الرابع": 4, "الخامس": 5,
                                "السادس": 6, "السابع": 7, "الثامن": 8, "التاسع": 9, "العاشر": 10}
# Ordinals without the article name a day from the second on (خامس الشهر); أول الشهر is its start.
BARE_DAY_ORDINALS: dict[str, int] = {w[2:]: n for w, n in DAY_ORDINALS.items() if n >= 2}
# Part of day → hours to add to a 1–11 clock hour (None: keep as written).
DAY_PERIODS: dict[str, int] = {
    "صباحا": 0, "صباحاً": 0, "صباحًا": 0, "صباح": 0, "فجرا": 0, "فجراً": 0, "فجر": 0, "ظهرا": 12, "ظهراً": 12,
    "ظهر": 12, "عصرا": 12, "عصراً": 12, "عصرًا": 12, "عصر": 12, "مساء": 12, "مساءً": 12, "مساءا": 12,
    "ليلا": 12, "ليلاً": 12, "ليلًا": 12, "ليل": 12, "م": 12, "ص": 0,
}

_DIACRITIC = "[\u064b-\u0652\u0640]*"


def variants(word: str) -> str:
    """A regex for `word` in the spellings news uses: any alef form, final ى/ي, final ة/ه, optional tanween."""
    out = []
    for i, ch in enumerate(word):
        last = i == len(word) - 1 or word[i + 1] == " "
        if ch in "اأإ":
            out.append("[اأإآ]")
        elif ch == "آ":
            out.append("[آا]")
        elif ch in "يى" and last:
            out.append("[يى]")
        elif ch in "ةه" and last:
            out.append("[ةه]")
        elif ch == " ":
            out.append(r"\s+")
        elif "\u064b" <= ch <= "\u0652":
            continue
        else:
            out.append(re.escape(ch))
    return "".join(out)


def alternation(words) -> str:
    """Longest first, so that `كانون الثاني` wins over a shorter prefix."""
    pats = sorted({variants(w) for w in words}, key=len, reverse=True)
    return "(?:" + "|".join(pats) + ")"


def _key(text: str) -> str:
    """The lookup key of a matched word: alef forms, final ى/ة, spaces and diacritics folded."""
    text = re.sub(_DIACRITIC, "", text)
    text = re.sub(r"\s+", " ", text.strip())
    text = text.translate(str.maketrans("أإآ", "ااا"))
    return " ".join(w[:-1] + {"ى": "ي", "ة": "ه"}.get(w[-1], w[-1]) if w else w for w in text.split(" "))


def table(mapping: dict[str, object]) -> dict[str, object]:
    return {_key(k): v for k, v in mapping.items()}


lookup_key = _key
