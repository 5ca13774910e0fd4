"""WikiFANE as news-like training text: clitics glued back, and titles cut off persons as ANERcorp tags them."""
from streams.entities.gazetteer import fold_name
from streams.entities.wikifane import news_like_sentences

# WikiFANE's CoNLL: fine types, one-letter proclitics written apart, the title inside the person.
CONLL = """\
استقبل O
الشيخ B-Politician
زايد I-Politician
و O
الامير B-Politician
فيصل I-Politician
في O
ابوظبي B-Population-Center

قال O
ب O
السيد B-Politician
عمرو I-Politician
موسى I-Politician
إن O
الشيخ B-Politician
لم O
يحضر O
"""

TITLES = frozenset(fold_name(w) for w in ("الشيخ", "الأمير", "السيد"))


def _persons(sentences):
    return [[g.text[s:e] for kind, s, e in g.spans if kind == "PERS"] for g in sentences]


def test_titles_are_cut_off_the_front_of_persons(tmp_path):
    path = tmp_path / "wikifane.conll"
    path.write_text(CONLL, encoding="utf-8")
    sentences = news_like_sentences(str(path), 10, TITLES)
    # `و` and `ب` are glued to the next word, as news writes them; the title then goes, the name stays.
    assert [g.text for g in sentences][0] == "استقبل الشيخ زايد والامير فيصل في ابوظبي"
    assert _persons(sentences) == [["زايد", "فيصل"], ["عمرو موسى", "الشيخ"]]
    # A title alone is all the name there is: it stays. Places are never touched.
    assert [[g.text[s:e] for kind, s, e in g.spans if kind == "LOC"] for g in sentences] == [["ابوظبي"], []]


def test_without_titles_the_names_are_as_wikifane_wrote_them(tmp_path):
    path = tmp_path / "wikifane.conll"
    path.write_text(CONLL, encoding="utf-8")
    assert _persons(news_like_sentences(str(path), 10)) == [["الشيخ زايد", "والامير فيصل"],
                                                            ["بالسيد عمرو موسى", "الشيخ"]]
