from hypothesis import given
from hypothesis import strategies as st

from streams.article import Article
from streams.normalize import clean_text, fold_arabic, fold_char_map, normalize


def test_fold_erases_spelling_variation():
    assert fold_arabic("أحمد") == fold_arabic("احمد") == fold_arabic("إحمد")
    assert fold_arabic("مصطفى") == "مصطفي"
    assert fold_arabic("القاهرة") == "القاهره"
    assert fold_arabic("مُحَمَّد") == "محمد"
    assert fold_arabic("جمـــيل") == "جميل"
    assert fold_arabic("عام ٢٠١٤") == "عام 2014"
    assert fold_arabic("مسؤول") == "مسوول" and fold_arabic("رئيس") == "رييس"  # hamza folds to its seat


def test_stored_text_keeps_its_own_letters():
    article = normalize(Article(title="  القاهرةُ\u200f ", body="أَحمد\u00a0 في\n\u00a0\u200f\nالقاهرة"))
    assert article.title == "القاهرةُ\u200f"
    assert article.body == "أَحمد\u00a0 في\nالقاهرة"
    assert article.folded_body == "احمد  في\nالقاهره"


def test_clean_text_drops_blank_and_nbsp_only_lines():
    assert clean_text("a\r\n\u00a0\r\n\u200f\r\nb  c\n  \n") == "a\nb  c"


@given(st.text(max_size=300))
def test_fold_char_map_points_back_into_the_original(text):
    folded, index = fold_char_map(text)
    assert folded == fold_arabic(text)
    assert len(index) == len(folded)
    assert all(0 <= i < len(text) for i in index)
    assert index == sorted(index)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200)
       | st.text(alphabet="أإآٱاىيةهؤئو٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\u064b\u0650\u0640\u200f\u00a0\u2009 abc", max_size=200))
def test_fast_fold_equals_the_reference_table(text):
    from streams.normalize import _FOLD_TABLE

    assert fold_arabic(text) == text.translate(_FOLD_TABLE)
