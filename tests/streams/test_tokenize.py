import itertools

from hypothesis import given
from hypothesis import strategies as st

from streams.tokenize import proclitic_splits, strip_proclitics, tokenize, tokens


def test_offsets_slice_to_tokens_and_split_punctuation():
    text = 'وقال مصدر لـ"رويترز" إن لجنة 5+5 اجتمعت في جنيف، عام 2014 بنسبة 3.5% (مُحَمَّد)'
    spans = tokenize(text)
    words = [text[s:e] for s, e in spans]
    assert words == ["وقال", "مصدر", "لـ", '"', "رويترز", '"', "إن", "لجنة", "5", "+", "5", "اجتمعت", "في",
                     "جنيف", "،", "عام", "2014", "بنسبة", "3.5", "%", "(", "مُحَمَّد", ")"]
    assert words == tokens(text)


def test_latin_and_arabic_digits():
    assert tokens("COVID-19 ٢٠١٤") == ["COVID", "-", "19", "٢٠١٤"]


@given(st.text())
def test_tokens_cover_every_visible_character_in_order(text):
    spans = tokenize(text)
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
    covered = "".join(text[s:e] for s, e in spans)
    assert covered == "".join(ch for ch in text if not ch.isspace())


def test_proclitic_splits_keep_the_article():
    assert ("وب", "القاهرة") in proclitic_splits("وبالقاهرة")
    assert ("ل", "الأمم") in proclitic_splits("للأمم")
    assert ("و", "الصين") in proclitic_splits("والصين")
    assert proclitic_splits("الولايات") == []
    assert strip_proclitics("لطرابلس") == "طرابلس"
