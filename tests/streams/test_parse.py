import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from streams import errors
from streams.errors import Rejected
from streams.normalize import normalize
from streams.parse import parse, split_scraped
from streams.redactions import count_redactions

SAMPLE_TITLE = "وفد مصري يزور طرابلس لأول مرة منذ 6 أعوام.. فماذا بحث؟"


def test_sample_parses_to_its_exact_parts(sample_bytes):
    article = normalize(parse(sample_bytes))
    assert article.section == ["أخبار الساعة", "السياسية", "عربية ودولية"]
    assert article.title == SAMPLE_TITLE
    paragraphs = article.body.split("\n")
    assert len(paragraphs) == 12
    assert paragraphs[0].startswith("في زيارة هي الأولى منذ 6 أعوام")
    assert paragraphs[-1].endswith("في أنحاء البلاد.")
    assert article.source_total_time_s == 0.0587
    assert "Total time" not in article.body and "\u00a0" not in article.body
    assert count_redactions(article.body) == 2


def test_missing_breadcrumb_and_footer():
    parts = split_scraped("عنوان الخبر\n\nالفقرة الأولى.\n\u00a0\nالفقرة الثانية.")
    assert parts.section is None
    assert parts.title == "عنوان الخبر"
    assert parts.paragraphs == ["الفقرة الأولى.", "الفقرة الثانية."]
    assert parts.total_time_s is None


def test_crlf_bidi_marks_and_stray_whitespace():
    raw = ("\ufeff  أخبار\u200f » رياضة  \r\n\r\n\u200fالعنوان\u200e  هنا \r\n \u00a0\u200f \r\nنص   الفقرة\u200b.\r\n"
           "\r\n\u200eTotal time: 1.5s \r\n")
    parts = split_scraped(raw)
    assert parts.section == ["أخبار", "رياضة"]
    # The stored text keeps the publisher's own characters inside a line (a double space may be a cut
    # number); only the layout goes. Folding removes the marks for matching.
    assert parts.title == "\u200fالعنوان\u200e  هنا"
    assert parts.paragraphs == ["نص   الفقرة\u200b."]
    assert parts.total_time_s == 1.5


@pytest.mark.parametrize("footer,value", [("Total time: 0.0587", 0.0587), ("total time = 3 sec", 3.0),
                                          ("Total Time: 12", 12.0), ("Total time: 1.2s", 1.2)])
def test_footer_variants(footer, value):
    assert split_scraped(f"عنوان\n\nنص.\n\n{footer}").total_time_s == value


def test_a_title_with_guillemets_but_no_breadcrumb_line_stays_a_title():
    parts = split_scraped("عنوان وحيد")
    assert parts.section is None and parts.title == "عنوان وحيد"


def test_publication_date_line_is_metadata_not_a_paragraph():
    article = parse("نشر في: 2020-12-27 10:30\nأخبار » محليات\n\nالعنوان\n\nالنص.".encode())
    assert article.published_at == "2020-12-27T10:30:00"
    assert article.section == ["أخبار", "محليات"] and article.title == "العنوان" and article.body == "النص."


def test_json_envelope_with_title_and_content():
    env = {"id": "a-1", "source": "sabq", "url": "http://x/1", "title": " عنوان ", "content": "فقرة 1\nفقرة 2",
           "date_extracted": "2015-07-31 04:20:10"}
    article = normalize(parse(orjson.dumps(env)))
    assert (article.id, article.source_name, article.url) == ("a-1", "sabq", "http://x/1")
    assert article.title == "عنوان" and article.body == "فقرة 1\nفقرة 2"
    assert article.fetched_at == "2015-07-31 04:20:10" and article.section is None


def test_json_envelope_with_scraped_text(sample_bytes):
    article = parse(orjson.dumps({"text": sample_bytes.decode(), "published_at": "2020-12-27"}))
    assert article.title == SAMPLE_TITLE and article.source_total_time_s == 0.0587
    assert article.published_at == "2020-12-27"


def test_empty_title_is_allowed_in_an_envelope():
    article = parse(b'{"title": "", "content": "\xd9\x86\xd8\xb5"}')
    assert article.title == "" and article.body == "نص"


@pytest.mark.parametrize("raw,reason", [
    (b"\xff\xfe\xfa not utf-8 \xc3\x28", errors.UNDECODABLE),
    (b"", errors.EMPTY),
    (b"   \n\t ", errors.EMPTY),
    (b'{"title": 5, "content": ["x"]}', errors.INVALID_ENVELOPE),
    (b'{"text": ', errors.MALFORMED_JSON),
    (b"\x00" * 64, errors.NOT_TEXT),
    (b'{"text": "aaaa"}{"text": "aaaa"}', errors.MALFORMED_JSON),
    (b"[1, 2]", errors.INVALID_ENVELOPE),
    (b'{"source": "x"}', errors.INVALID_ENVELOPE),
    (b"Total time: 0.5", errors.EMPTY),
])
def test_bad_input_is_rejected_with_a_stable_reason(raw, reason):
    with pytest.raises(Rejected) as exc:
        parse(raw)
    assert exc.value.reason == reason


def test_size_is_checked_before_anything_else():
    with pytest.raises(Rejected) as exc:
        parse(b"\xff" * 2000, max_bytes=1000)
    assert exc.value.reason == errors.OVERSIZED


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000))
def test_parse_never_raises_anything_but_rejected_on_bytes(raw):
    try:
        normalize(parse(raw))
    except Rejected as exc:
        assert exc.reason in errors.REASONS


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2000))
def test_parse_and_normalize_never_raise_on_text(text):
    try:
        article = normalize(parse(text.encode()))
    except Rejected as exc:
        assert exc.reason in errors.REASONS
    else:
        assert "\n\n" not in article.body and not article.body.startswith(" ")
