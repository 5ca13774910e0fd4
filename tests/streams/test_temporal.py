"""The temporal stage: the sample article, each rule family, references, robustness."""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams.article import Article
from streams.normalize import normalize
from streams.parse import parse
from streams.temporal import TemporalTagger

SAMPLE = Path(__file__).resolve().parents[2].parent / "shared/data/samples/000_d68a4a2d4984eef3.txt"
TAGGER = TemporalTagger()


def tag(text: str, ref: str | None = "2015-07-24", **kw) -> dict[str, str | None]:
    article = Article(body=text, published_at=ref + "T12:00:00+03:00" if ref else None, **kw)
    return {e.text: e.value for e in TAGGER(article).temporal}


@pytest.fixture(scope="module")
def sample() -> Article:
    if not SAMPLE.exists():
        pytest.skip("shared sample not available")
    article = normalize(parse(SAMPLE.read_bytes()))
    article.published_at = "2020-12-27T12:00:00+03:00"  # a Sunday
    return TAGGER(article)


def test_sample_expressions(sample):
    found = {(e.text, e.value) for e in sample.temporal if e.field == "body"}
    for expected in [("الأحد", "2020-12-27"), ("عام 2014", "2014"), ("عام 2011", "2011"), ("الشهر الماضي", "2020-11"),
                     ("العام الماضي", "2019"), ("مطلع يونيو الماضي", "2020-06"), ("نهاية أكتوبر الماضي", "2020-10"),
                     ("6 أعوام", "P6Y")]:
        assert expected in found
    assert all(e.reference == "published_at" for e in sample.temporal)


def test_sample_offsets_and_no_false_numbers(sample):
    for e in sample.temporal:
        assert sample.text_of(e.field)[e.start:e.end] == e.text
        assert "5+5" not in e.text and "0587" not in e.text and "5" != e.text


def test_weekdays_and_relative_days():
    got = tag("الأحد والخميس الماضي والأحد المقبل وأمس الخميس واليوم الجمعة وأول من أمس وبعد غد وغداً")
    assert got["الأحد"] == "2015-07-19"  # 2015-07-24 is a Friday
    assert got["الخميس الماضي"] == "2015-07-23"
    assert got["الأحد المقبل"] == "2015-07-26"
    assert got["أمس الخميس"] == "2015-07-23"
    assert got["اليوم الجمعة"] == "2015-07-24"
    assert got["أول من أمس"] == "2015-07-22"
    assert got["بعد غد"] == "2015-07-26"
    assert got["غدا"] == "2015-07-25"
    assert tag("الجمعة", "2015-07-24")["الجمعة"] == "2015-07-24"  # the reference day itself counts


def test_relative_periods():
    got = tag("الشهر الماضي والعام المقبل والسنة الجارية والأسبوع الماضي وهذا الشهر والعام الحالي 2015م")
    assert got == {"الشهر الماضي": "2015-06", "العام المقبل": "2016", "السنة الجارية": "2015",
                   "الأسبوع الماضي": "2015-W29", "هذا الشهر": "2015-07", "العام الحالي 2015م": "2015"}


def test_parts_of_a_year_are_quarters_and_halves():
    got = tag("تراجعت الأرباح في الربع الرابع من العام الماضي، وبالربع الأول من عام 2015، وخلال النصف الأول من "
              "العام الحالي، وفي الأشهر الستة الأولى من هذا العام")
    assert got == {"الربع الرابع من العام الماضي": "2014-Q4", "الربع الأول من عام 2015": "2015-Q1",
                   "النصف الأول من العام الحالي": "2015-H1", "الأشهر الستة الأولى من هذا العام": "2015-H1"}
    # Nine months are no quarter or half: the year stays a year, the months a duration.
    assert tag("في الأشهر التسعة الأولى من العام الحالي") == {"الأشهر التسعة الأولى": "P9M", "العام الحالي": "2015"}


def test_a_day_of_this_or_next_month():
    got = tag("انطلق في الخامس من الشهر الحالي، ويعود خامس الشهر المقبل")
    assert got == {"الخامس من الشهر الحالي": "2015-07-05", "خامس الشهر المقبل": "2015-08-05"}
    # The first week of the month is no day of it.
    assert tag("في الأسبوع الأول من الشهر الحالي") == {"الشهر الحالي": "2015-07"}


def test_the_start_or_end_of_this_period():
    got = tag("ارتفع منذ بداية الأسبوع، ويصل المدرب نهاية الشهر، وسجل منذ مطلع العام")
    assert got == {"بداية الأسبوع": "2015-W30", "نهاية الشهر": "2015-07", "مطلع العام": "2015"}
    # Any weekend, that same year, the school year: not this period.
    assert tag("خلال عطلة نهاية الأسبوع، ثم نهاية العام نفسه، ومع بداية العام الدراسي") == {}


def test_plural_units_with_their_count_after():
    got = tag("خلال الأيام الـ 60 المقبلة، وفي السنوات السبع الأخيرة، والساعات الـ24 الماضية، والأشهر الثلاثة")
    assert got == {"الأيام الـ 60 المقبلة": "P60D", "السنوات السبع الأخيرة": "P7Y", "الساعات الـ24 الماضية": "PT24H",
                   "الأشهر الثلاثة": "P3M"}


def test_years_in_a_history_list_and_far_projections():
    got = tag("في مثل هذا اليوم\n1990 - غزو الكويت\n2003 - سقوط بغداد\nويصل السكان إلى 11 مليارا في 2100.")
    assert got == {"1990": "1990", "2003": "2003", "2100": "2100"}
    assert tag("بين 2000 - 3000 ريال") == {}


def test_a_futures_contract_month_is_this_month_or_ahead():
    got = tag("وارتفعت عقود الذهب تسليم أغسطس، والخام الأمريكي تسليم يوليو، والعقود تسليم يناير", ref="2015-07-24")
    assert got == {"أغسطس": "2015-08", "يوليو": "2015-07", "يناير": "2016-01"}


def test_last_night_is_yesterday():
    assert tag("قتل ثلاثة الليلة الماضية، وأصيب آخرون الليلة البارحة") == {"الليلة الماضية": "2015-07-23",
                                                                        "الليلة البارحة": "2015-07-23"}


def test_halves_decades_and_centuries():
    got = tag("منذ عام ونصف، وبعد ثلاث سنوات ونصف، وخلال ساعتين ونصف، ومنذ ثلاثة عقود، وقبل عقدين من الزمن، "
              "ومنذ أكثر من عقد، وعلى مدى نصف قرن، وقبل ربع قرن")
    assert got == {"عام ونصف": "P1.5Y", "ثلاث سنوات ونصف": "P3.5Y", "ساعتين ونصف": "PT2.5H", "ثلاثة عقود": "P30Y",
                   "عقدين": "P20Y", "عقد": "P10Y", "نصف قرن": "P50Y", "ربع قرن": "P25Y"}
    # عقد is also a contract and the holding of a meeting; half a million is no half year.
    assert tag("وقع النادي عقدين مع اللاعب بعد عقد الاجتماع، وجزء من عقد أو اثنين، منذ 5 سنوات ونصف مليون") == {
        "5 سنوات": "P5Y"}
    assert tag("الرضيع البالغ من العمر عام ونصف") == {}


def test_the_period_before_last():
    assert tag("اندلعت أواخر العام قبل الماضي، وتجددت في الشهر قبل الماضي") == {
        "أواخر العام قبل الماضي": "2013", "الشهر قبل الماضي": "2015-05"}


def test_months_both_series():
    got = tag("في 12 أغسطس (آب) المقبل، وحزيران الماضي، و15 سبتمبر أيلول، ونهاية تموز/يوليو، ومايو 2014، وفي ديسمبر")
    assert got["12 أغسطس (آب) المقبل"] == "2015-08-12"
    assert got["حزيران الماضي"] == "2015-06"
    assert got["15 سبتمبر أيلول"] == "2015-09-15"
    assert got["نهاية تموز/يوليو"] == "2015-07"
    assert got["مايو 2014"] == "2014-05"
    assert got["ديسمبر"] == "2014-12"  # no qualifier: latest occurrence at most two months ahead


def test_bare_month_needs_a_cue():
    assert tag("وقد مارس الضغط على سيارة نيسان") == {}


def test_years():
    got = tag("في عامي 2013 و2014، ثم في 2015، ومنذ 1990م، وعام 1821")
    assert got == {"عامي 2013": "2013", "2014": "2014", "2015": "2015", "1990م": "1990", "عام 1821": "1821"}


def test_numbers_that_are_not_dates():
    text = "شارك 2000 شخص ودفعوا 500 ريال، والنتيجة 2-1 و(5+5) وبنسبة 15% على الرقم 0501234567 Total time: 0.0587"
    assert tag(text) == {}


def test_ages_are_not_durations():
    assert tag("ودخل بيليه (74 عاماً) المستشفى، ويبلغ من العمر 30 عاما") == {}


def test_durations():
    got = tag("منذ 6 أعوام وثلاثة أشهر و48 ساعة وأسبوعين ويومين وخمسة وعشرين عاما ونصف ساعة ولمدة عام")
    assert got == {"6 أعوام": "P6Y", "ثلاثة أشهر": "P3M", "48 ساعة": "PT48H", "أسبوعين": "P2W", "يومين": "P2D",
                   "خمسة وعشرين عاما": "P25Y", "نصف ساعة": "PT30M", "عام": "P1Y"}


def test_times():
    got = tag("وصل أمس الخميس الساعة العاشرة والنصف مساء.\nوبدأ الاجتماع الساعة 10 صباحا.\nوفي 10:30")
    assert got["الساعة العاشرة والنصف مساء"] == "2015-07-23T22:30"
    assert got["الساعة 10 صباحا"] == "T10:00"
    assert got["10:30"] == "T10:30"
    assert list(tag("وبحلول الساعة 0722 بتوقيت جرينتش هبط").values()) == ["T07:22"]


def test_numeric_dates():
    got = tag("في 2020/12/27 و27/12/2020 و27-12-2020 و25 / 10 / 1436هـ")
    assert got == {"2020/12/27": "2020-12-27", "27/12/2020": "2020-12-27", "27-12-2020": "2020-12-27",
                   "25 / 10 / 1436هـ": "2015-08-10"}


def test_arabic_indic_digits():
    got = tag("في ١٥ يونيو ٢٠١٤ وخلال ٤٨ ساعة")
    assert got == {"١٥ يونيو ٢٠١٤": "2014-06-15", "٤٨ ساعة": "PT48H"}


def test_hijri():
    got = tag("في 15 رمضان 1436هـ، وخلال رمضان 1436 هـ، وفي عام 1436هـ، و12 شوال الجاري")
    assert got["15 رمضان 1436هـ"] == "2015-07-02"
    assert "2015-06" in got.values()  # رمضان 1436 هـ, a Hijri month: Gregorian year-month of its first day
    assert got["عام 1436هـ"] == "2014"  # a Hijri year: Gregorian year of 1 Muharram
    assert got["12 شوال الجاري"] == "2015-07-28"


def test_reference_fallback_order():
    text = "وصل أمس"
    a = TAGGER(Article(body=text, published_at="2020-12-27T01:00:00+03:00", fetched_at="2015-07-31 04:20:10"))
    assert (a.temporal[0].value, a.temporal[0].reference) == ("2020-12-26", "published_at")
    a = TAGGER(Article(body=text, fetched_at="2015-07-31 04:20:10", message_timestamp_ms=0))
    assert (a.temporal[0].value, a.temporal[0].reference) == ("2015-07-30", "fetched_at")
    a = TAGGER(Article(body=text, published_at="not a date", message_timestamp_ms=1438300800000))  # 2015-07-31 UTC
    assert (a.temporal[0].value, a.temporal[0].reference) == ("2015-07-30", "message_timestamp")
    a = TAGGER(Article(body=text + " في 10 أغسطس 2015"))
    assert [(e.value, e.reference) for e in a.temporal] == [(None, "none"), ("2015-08-10", "none")]


def test_title_is_tagged_with_its_own_offsets():
    a = TAGGER(Article(title="قمة الرياض الخميس المقبل", body="", published_at="2015-07-24"))
    assert [(e.field, e.text, e.value) for e in a.temporal] == [("title", "الخميس المقبل", "2015-07-30")]
    assert a.title[a.temporal[0].start:a.temporal[0].end] == "الخميس المقبل"


_ALPHABET = st.sampled_from(list("0123456789٠١٢٣٤٥٦٧٨٩/-.:+()،, \nهـم") + [
    "عام ", "الساعة ", "يونيو ", "رمضان ", "الماضي ", "أمس ", "الخميس ", "شهر ", "ساعة ", "أيام ", "اليوم ",
    "منذ ", "في ", "مطلع ", "هـ", "ً", "و", "ال", "ـ"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join), st.text(max_size=40))
def test_never_raises_and_offsets_slice(words, noise):
    for text in (words, noise, words + noise):
        a = TAGGER(Article(title=text[:30], body=text, published_at="2015-07-24"))
        for e in a.temporal:
            assert a.text_of(e.field)[e.start:e.end] == e.text
            assert e.kind in ("date", "time", "duration")


def test_adversarial_256k_input_is_fast():
    chunks = ["1" * 5000, "عام " * 3000, "الساعة 1" * 2000, "2014/" * 3000, "أمس الخميس " * 2000,
              "في 15 رمضان 1436 " * 1000, "ً" * 5000, "(" * 5000, "ثلاثة وعشرين " * 2000]
    text = "".join(chunks)
    text = (text * (256 * 1024 // len(text) + 1))[:256 * 1024]
    t0 = time.process_time()
    TAGGER(Article(body=text, published_at="2015-07-24"))
    assert time.process_time() - t0 < 1.0  # generous: linear patterns, tried only near a bounded number of anchors
