"""The compiled patterns, built once at import from the lexicon.

Every pattern is linear: alternations of fixed words, bounded digit runs and single `\\s+`/`\\s*` between
words, never a repeated group that can match the same text two ways, so no input can make them backtrack
catastrophically. Where two whitespace runs meet around an optional comma (`\\s*+[،,]?\\s*+`) they are
possessive: plain `\\s*` there can split a long run of blanks every way (1.9 s on 14 KB of tabs).
Matching runs on the text with Arabic-Indic digits made Latin (a length-preserving translation), so
offsets are those of the stored text.
"""
from __future__ import annotations

import re

from streams.temporal import lexicon as lx

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")

# A word start, with the proclitics news attaches (و، ف + ب، ل، ك): they stay outside the span.
_START = r"(?<![\w\u064b-\u0652\u0640])(?:[وف]?[بلك]?)"
# The article ال, or its second ل after the preposition ل (للشهر).
_DEF = r"(?:ال|(?<=ل)ل)"
_END = r"(?![\w\u0640])"  # a final tanween (غداً) is not a letter
# Not inside a longer number or word, but a number may carry a proclitic: و48 ساعة، و2014م، بـ27/12/2020.
_NOT_NUM_BEFORE = r"(?:(?<![\w.,/:+\-])|(?<=(?<!\w)[وفبلك])|(?<=(?<!\w)[وفبلك]ـ))"
_NOT_NUM_AFTER = r"(?![\d]|[.,/:][\d])"

def _one_line(pattern: str) -> str:
    """`\\s` never crosses a paragraph break: `العام\\n2015` is two lines, not one expression."""
    return pattern.replace(r"\s", r"[^\S\n]")


def _compile(pattern: str) -> re.Pattern:
    return re.compile(_one_line(pattern))


_GMONTHS = "(?:" + lx.alternation(w for w in lx.GREGORIAN_MONTHS if w != "آب") + "|آب)"
_HMONTHS = lx.alternation(lx.HIJRI_MONTHS)
_WEEKDAY = _DEF + lx.alternation(w[2:] for w in lx.WEEKDAYS)
_QUAL = lx.alternation(lx.QUALIFIERS)
_PARTS = lx.alternation(lx.PERIOD_PARTS)
_DAY = r"(?:3[01]|[12]\d|0?[1-9])"
_YEAR = r"(?:1\d\d\d|20\d\d)"  # 1343–1500 without an era letter is read as Hijri
_ERA = r"(?:هـ|ه|م)" + _END
_DAY_ORD = lx.alternation(lx.DAY_ORDINALS)

_ONES = lx.alternation(lx.ONES)
_TENS = lx.alternation(lx.TENS)
NUMBER_WORDS = (
    "(?:" + _ONES + r"\s+و\s*" + _TENS + "|" + lx.alternation(lx.TEENS) + "|" + _ONES + r"\s+" + lx.alternation(lx.TEN)
    + "|" + _TENS + "|" + lx.alternation(lx.HUNDREDS) + "|" + lx.alternation(lx.TEN) + "|" + _ONES + ")"
)
_UNITS = lx.alternation(lx.DURATION_UNITS)
_DUALS = lx.alternation(lx.DUAL_UNITS)
_SINGULAR = lx.alternation(lx.SINGULAR_UNITS)
_HOUR_WORDS = lx.alternation(lx.HOUR_WORDS)
_TOD = r"(?:من\s+)?(?P<tod>" + lx.alternation(lx.DAY_PERIODS) + r"|بعد\s+الظهر)" + _END
_REL_DAY = (r"(?:أول\s+من\s+[أا]مس|أول\s+[أا]مس|[أا]مس\s+الأول|ال[أا]مس|[أا]مس|الليل[ةه]\s+(?:الماضي[ةه]|البارح[ةه])"
            r"|البارحة|اليوم|غدا|غد|بعد\s+غد|الغد)")
_DAY_PART = r"(?:صباح|مساء|ظهر|عصر|فجر|ليلة|ليل|نهار|ظهيرة|منتصف\s+ليل[ةه]?|منتصف\s+نهار)"

# Explicit calendar expressions around a month name: [part] [weekday] [day] month [(month)] [year [era]] [qual]
MONTH_EXPR = _compile(
    _START + r"(?P<s>"
    r"(?:(?P<part>" + _PARTS + r")\s+(?:من\s+)?)?"
    r"(?:(?:يوم\s+)?(?P<wd>" + _WEEKDAY + r")\s*+[،,]?\s*+)?"
    r"(?:(?:(?:ال)?(?:ـ\s*)?(?P<day>" + _DAY + r")" + _NOT_NUM_AFTER + r"|(?P<dayord>" + _DAY_ORD + r"))\s*(?:من\s+)?)?"
    r"(?P<shahr>(?:ال|ل)?شهر\s+)?"
    r"(?:(?P<gm>" + _GMONTHS + r")|(?P<hm>" + _HMONTHS + r"))" + _END +
    r"(?:(?:\s*[(/]\s*|\s+)(?P<gm2>" + _GMONTHS + r")" + _END + r"(?:\s*\))?)?"
    r"(?:\s*+[،,]?\s*+(?:من\s+)?(?:(?:[لب]?ال|ل)?(?:عام|سنة)\s+)?(?P<year>" + _YEAR + r")" + _NOT_NUM_AFTER
    + r"(?:\s*(?P<era>" + _ERA + r"))?)?"
    r"(?:\s+(?P<qual>" + _QUAL + r")" + _END + r")?"
    r")"
)

# 25/10/1436هـ, 2015-07-24, 24.7.2015, with or without spaces around the separator.
NUMERIC_DATE = _compile(
    _NOT_NUM_BEFORE + r"(?P<s>(?P<a>\d{1,4})\s*(?P<sep>[/\-.])\s*(?P<b>\d{1,2})\s*(?P=sep)\s*(?P<c>\d{1,4})"
    r"(?![\d]|[/\-.:]\d)(?:\s*(?P<era>" + _ERA + r"))?)"
)
# 11/1436هـ, 8/2015م: month/year needs the era letter to tell it from a fraction or a score.
MONTH_YEAR = _compile(
    _NOT_NUM_BEFORE + r"(?P<s>(?P<m>1[0-2]|0?[1-9])\s*/\s*(?P<year>" + _YEAR + r")\s*(?P<era>" + _ERA + r"))"
)

# Years with a cue word: عام 2014، العام 2013م، سنة 1436هـ، مواليد 1990، [نهاية] عام 2014
YEAR_CUE = _compile(
    _START + r"(?P<s>(?:(?P<part>" + _PARTS + r")\s+)?(?:ال)?(?:عامين|عامي|عام|سنة|سنتي|مواليد|موسم)\s*"
    r"(?P<year>" + _YEAR + r")" + _NOT_NUM_AFTER + r"(?:\s*(?P<era>" + _ERA + r"))?)"
)
# A year marked by its era: 2014م، 1436هـ، 1436 هـ
YEAR_ERA = _compile(
    _NOT_NUM_BEFORE + r"(?P<s>(?P<year>" + _YEAR + r")(?P<space>\s?)ـ?(?P<era>هـ|ه|م)" + _END + r")"
)
# A preposition then a year, accepted only when nothing countable follows (`في 2014،` yes, `في 2000 شخص` no).
YEAR_PREP = _compile(
    r"(?<!\w)[وف]?(?:في|منذ|حتى|بحلول|خلال|قبل|بعد|مطلع|نهاية|أواخر|أوائل|منتصف|بداية)\s+"
    r"(?P<s>(?P<year>(?:19|20)\d\d|2100))(?![\d%]|[.,/:]\d)(?=\s*(?:$|[.،,؛;:)»\"\n\-]|و\s*\d|(?:حيث|عندما|حين|إلى|الى|حتى|ثم|مقارنة|وهو|وهي|وذلك|وقد|ولكن|وفي|بعد|قبل)(?!\w)))"
)
# `2012 - توقيف ...`: a year opening a line of a "this day in history" list.
YEAR_LINE = re.compile(r"(?:^|(?<=\n))(?P<s>(?P<year>1\d\d\d|20\d\d))[^\S\n]*[-–][^\S\n]+(?=[^\d\s])")
YEAR_RANGE = _compile(
    r"(?<!\w)[وف]?(?:من|بين)\s+(?P<s>(?P<y1>(?:19|20)\d\d))\s*(?:-|–|إلى|الى|حتى|و)\s*"
    r"(?P<s2>(?P<y2>(?:19|20)\d\d))" + _NOT_NUM_AFTER
)
# After a year: `و2015`, `- 2016`, `أو 2017` continue the same list.
YEAR_NEXT = _compile(
    r"\s*+(?:و|،|,|-|–|أو|او|إلى|الى|حتى)\s*+(?:(?:ال)?عام\s+)?(?P<s>(?P<year>" + _YEAR + r")" + _NOT_NUM_AFTER
    + r"(?:\s*(?P<era>" + _ERA + r"))?)"
)

# الشهر الماضي، العام الجاري 2015م، هذا الأسبوع، مطلع العام المقبل
RELATIVE_PERIOD = _compile(
    _START + r"(?P<s>(?:(?P<part>" + _PARTS + r")\s+)?"
    r"(?:(?P<unit>" + _DEF + r"(?:شهر|عام|سن[ةه]|[أا]سبوع))\s+(?P<before>قبل\s+)?(?P<qual>" + _QUAL + r")" + _END
    + r"|(?:هذا|هذه)\s+(?P<unit2>" + _DEF + r"(?:شهر|عام|سن[ةه]|[أا]سبوع))" + _END
    + r"|(?P<unit3>" + _DEF + r"(?:شهر|عام|سن[ةه]|[أا]سبوع))" + _END + r")"
    r"(?:\s+(?P<year>" + _YEAR + r")" + _NOT_NUM_AFTER + r"(?:\s*(?P<era>" + _ERA + r"))?)?)"
)

# [أمس|اليوم|غدا] [صباح|مساء] [يوم] الخميس [الماضي|المقبل]
WEEKDAY = _compile(
    _START + r"(?P<s>(?:(?P<rel>" + _REL_DAY + r")[\u064b-\u0652]*\s+)?(?:(?P<tod>" + _DAY_PART + r")\s+)?"
    r"(?:(?:يوم|اليوم)\s+)?"
    r"\(?(?P<wd>" + _WEEKDAY + r")" + _END + r"\)?(?:\s+(?P<qual>" + _QUAL + r")" + _END + r")?)"
)
# اليوم، أمس، أول من أمس، غدا، بعد غد، [صباح] [يوم] ...
RELATIVE_DAY = _compile(
    _START + r"(?P<s>(?:(?P<tod>" + _DAY_PART + r")\s+)?(?P<yawm>يوم\s+)?(?P<rel>" + _REL_DAY + r"))" + _END
)

DURATION = _compile(
    _NOT_NUM_BEFORE + r"(?:ال(?:ـ)?\s*)?(?P<s>(?:(?P<num>\d{1,4}(?:[.,]\d{1,2})?)\s*|(?P<numw>" + NUMBER_WORDS
    + r")\s+)(?P<unit>" + _UNITS + r"))" + _END
)
# الأيام الـ60 المقبلة، السنوات السبع الأخيرة، الساعات الـ24 الماضية: a plural unit, then its count.
PLURAL_DURATION = _compile(
    _START + r"(?P<s>ال(?P<unit>" + lx.alternation(lx.PLURAL_UNITS) + r")\s+ال(?:ـ\s*|\s*)?"
    r"(?:(?P<num>\d{1,4})" + _NOT_NUM_AFTER + r"|(?P<numw>" + lx.alternation(lx.ONES) + r"(?:\s+" + lx.alternation(lx.TEN)
    + r")?|" + lx.alternation(lx.TEN) + r"))" + _END + r"(?:\s+(?P<end>" + lx.alternation(lx.PERIOD_ENDS) + r")" + _END + r")?)"
)
# What may come before a year to name part of it: الربع الرابع من، النصف الأول من، الأشهر الستة الأولى من.
YEAR_PART_BEFORE = _compile(
    _START + r"(?P<p>"
    r"ال(?:ربع)\s+(?P<q>" + lx.alternation(lx.YEAR_QUARTERS) + r")"
    r"|ال(?:نصف)\s+(?P<h>" + lx.alternation(lx.YEAR_HALVES) + r")"
    r"|ال(?:[أا]شهر|شهور)\s+(?P<n>" + lx.alternation(lx.YEAR_PART_MONTHS) + r")\s+"
    r"(?P<which>" + lx.alternation(("الأولى", "الأخيرة")) + r")"
    r")\s+(?:من\s+(?:(?:ال)?(?:عام|سنة)\s+)?|(?:ل?(?:ال)?(?:عام|سنة)\s+))?$"
)
# What may come before "this/last month" to name a day of it: الخامس من الشهر الحالي، خامس الشهر الجاري.
MONTH_DAY_BEFORE = _compile(
    _START + r"(?P<p>(?P<ord>" + _DAY_ORD + r")\s+من|(?P<bare>"
    + lx.alternation(lx.BARE_DAY_ORDINALS) + r"))\s+$"
)
DUAL = _compile(_START + r"(?P<s>(?:ال)?(?P<unit>" + _DUALS + r"))" + _END)
SINGLE = _compile(
    r"(?<!\w)[وف]?(?:ل?مدة|طوال|طيلة)\s+(?P<s>(?P<unit>" + _SINGULAR + r"))" + _END + r"(?!\s+(?:\d|من\s+\d))"
    + "|" + _START + r"(?P<s2>(?P<unit2>" + _SINGULAR + r")\s+(?:واحد|واحدة)" + _END + ")"
    + "|" + _START + r"(?P<s3>(?P<frac>نصف|ربع)\s+(?P<unit3>ساع[ةه]))" + _END
    + "|" + r"(?<!\d\s)" + _START + r"(?P<s4>(?P<unit4>" + _SINGULAR + r")\s+و\s*نصف)" + _END
)
# `ونصف` closes the duration before it unless a count follows: `ونصف ساعة` (half an hour more), `ونصف مليون`.
HALF_AFTER = _compile(
    r"\s+و\s*نصف(?![\w\u0640])(?!\s+(?:مليون|مليار|ألف|الف|المليون|" + _SINGULAR + r")(?![\w\u0640]))"
)
# A duration of decades or centuries: ربع قرن، نصف قرن، and, after a time word (عقد is also a contract),
# منذ ثلاثة عقود، خلال عقدين، لأكثر من عقد، منذ قرن.
_DECADE_UNITS = r"(?P<unit>عقود|عقدين|عقدان|عقد|قرون|قرنين|قرنان|قرن)"
CENTURY_PART = _compile(_START + r"(?P<s>(?P<frac>ربع|نصف)\s+قرن)" + _END)
DECADES = _compile(
    r"(?<!\w)[وف]?(?P<cue>[بل]?مدة|منذ|خلال|قبل|بعد|طوال|طيلة|مدى|غضون|نحو|قرابة|حوالي|زهاء|[لب]?أكثر\s+من|[لب]?أقل\s+من)\s+"
    r"(?P<s>(?:(?P<num>\d{1,3})\s*|(?P<numw>" + NUMBER_WORDS + r")\s+)?" + _DECADE_UNITS + r")" + _END
)

CLOCK_CUE = _compile(
    _START + r"(?P<s>(?:تمام\s+)?ال(?:ساعة|ساعه)\s+(?:ال(?:ـ)?\s*)?(?:(?P<h>[01]?\d|2[0-4])(?:\s*[:.,]\s*(?P<m>[0-5]\d))?"
    + _NOT_NUM_AFTER + r"|(?P<hw>" + _HOUR_WORDS + r")" + _END + r")"
    r"(?:\s+(?P<frac>و\s*النصف|و\s*الربع|و\s*الثلث|إلا\s+(?:ربعا|الربع|ربع)|الا\s+(?:ربعا|الربع|ربع)|و\s*(?P<mins>[0-5]?\d)\s+دقيق[ةه])"
    + _END + r")?(?:\s+" + _TOD + r")?)"
)
# 0722 بتوقيت جرينتش، الساعة 0610: four-digit clock times of wire copy
CLOCK_HHMM = _compile(
    r"(?<![\w.,/:\-])(?P<s>(?P<h>[01]\d|2[0-3]):?(?P<m>[0-5]\d)(?!\d)\s+(?:بتوقيت|ت\.?\s?غ|جرينتش|غرينتش|GMT)"
    r"(?:\s+(?:جرينتش|غرينتش))?)"
)
CLOCK_AFTER_CUE = _compile(r"(?<!\w)(?:تمام\s+)?(?P<s>ال(?:ساعة|ساعه)\s+(?P<h>[01]\d|2[0-3])(?P<m>[0-5]\d))" + _NOT_NUM_AFTER)
# (1400 – 1430هـ): the era letter after a range applies to both ends
ERA_RANGE = _compile(
    r"(?<![\w.,/:\-])(?P<s>(?P<y1>1[34]\d\d))\s*[-–]\s*(?P<s2>(?P<y2>1[34]\d\d)\s*(?P<era>هـ|ه)" + _END + ")"
)
CLOCK_WORDS = _compile(
    _START + r"(?P<s>(?P<hw>" + _HOUR_WORDS + r")(?:\s+(?P<frac>و\s*النصف|و\s*الربع))?\s+" + _TOD + r")"
)
CLOCK_DIGITS = _compile(
    r"(?:(?<![\w:.,/\-])|(?<=(?<!\w)[وفبل]))(?P<s>(?P<h>[01]?\d|2[0-3]):(?P<m>[0-5]\d)(?::[0-5]\d)?(?![\d:]|[.,]\d)(?:\s*" + _TOD + r")?)"
)

SENTENCE_END = re.compile(r"[.!?؟](?!\d)|\n")
NEXT_WORD = re.compile(r"\W{0,3}(\w+)")
PREVIOUS_WORD = re.compile(r"(\w+)\W{0,3}$")
LATIN_DIGIT_RUN = re.compile(r"[0-9]+")
OTHER_DIGIT = re.compile(r"[٠-٩۰-۹]")

# Anchors: every expression holds one of these substrings, found with `str.find` (a C scan) before any pattern
# runs. Each pattern is then only tried (`match`) at the anchor's word and a few words before it, so the cost
# grows with the number of anchors, not with the length of the text times the number of patterns.
# family: (pattern, handler name, how many words before the anchor's word an expression may start)

_MONTH_STEMS = ("يناير", "فبراير", "مارس", "بريل", "مايو", "يونيو", "يونيه", "يوليو", "يوليه", "غسطس", "سبتمبر",
                "كتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "ذار", "نيسان", "يار", "حزيران", "تموز", "آب", "يلول",
                "تشرين", "محرم", "صفر", "ربيع", "جماد", "رجب", "شعبان", "رمضان", "شوال", "القعد", "الحج")
_WEEKDAY_STEMS = ("ثنين", "ثلاثاء", "ثلثاء", "ربعاء", "خميس", "جمعة", "جمعه", "سبت", "لأحد", "لاحد")
_REL_DAY_STEMS = ("أمس", "امس", "البارحة", "اليوم", "غد", "الليلة الماضية")
_PERIOD_STEMS = ("شهر", "عام", "سنة", "سنه", "سبوع", "مواليد", "موسم")
_UNIT_STEMS = ("سنوات", "سنين", "سنت", "عوام", "شهور", "سابيع", "يوم", "يام", "ساع", "دقيق", "دقائق", "ثوان",
               "ثانية")
_DECADE_STEMS = ("عقد", "عقود", "قرن", "قرون")
_TOD_STEMS = ("صباح", "مساء", "ظهر", "عصر", "فجر", "ليل")

DIGIT_FAMILIES = ((NUMERIC_DATE, "_numeric", 0), (MONTH_YEAR, "_month_year", 0), (YEAR_ERA, "_year", 0),
                  (DURATION, "_duration", 1), (CLOCK_DIGITS, "_clock", 0), (YEAR_PREP, "_year", 1),
                  (YEAR_RANGE, "_year_range", 1), (YEAR_LINE, "_year", 0),
                  (CLOCK_HHMM, "_clock", 0), (ERA_RANGE, "_year_range", 0))
ANCHORS = (
    (_MONTH_STEMS, ((MONTH_EXPR, "_month", 5),)),
    (_WEEKDAY_STEMS, ((WEEKDAY, "_weekday", 3),)),
    (_REL_DAY_STEMS, ((RELATIVE_DAY, "_relative_day", 4), (WEEKDAY, "_weekday", 0))),
    (_PERIOD_STEMS, ((RELATIVE_PERIOD, "_relative_period", 2), (YEAR_CUE, "_year", 1), (DURATION, "_duration", 3),
                     (DUAL, "_dual", 0), (SINGLE, "_single", 1), (PLURAL_DURATION, "_plural_duration", 0))),
    (_UNIT_STEMS, ((DURATION, "_duration", 3), (DUAL, "_dual", 0), (SINGLE, "_single", 1),
                   (PLURAL_DURATION, "_plural_duration", 0),
                   (CLOCK_CUE, "_clock", 1), (CLOCK_AFTER_CUE, "_clock", 1))),
    (_TOD_STEMS, ((CLOCK_WORDS, "_clock", 3),)),
    (_DECADE_STEMS, ((DECADES, "_decades", 3), (CENTURY_PART, "_decades", 1))),
)
