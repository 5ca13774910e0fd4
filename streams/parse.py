"""Parse: raw message bytes → `Article` fields (section, title, body, footer, envelope metadata).

Two input forms arrive on `news.raw`:
- scraped text: a `»` breadcrumb line, a title line, paragraphs separated by blank or no-break-space
  lines, and a scraper footer `Total time: 0.0587`;
- a JSON object with `text` (scraped text as above) or `title` + `content`, plus optional metadata.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import orjson

from streams import errors
from streams.article import Article
from streams.errors import Rejected
from streams.normalize import clean_line, clean_lines, visible
from streams.temporal.dateline import parse_dateline

DEFAULT_MAX_MESSAGE_BYTES = 256 * 1024

# The scraper's footer; seen as `Total time: 0.0587`, also `Total time: 1.2s`, `total time = 3 sec`.
_FOOTER = re.compile(r"^total\s*time\s*[:=]\s*([0-9]+(?:\.[0-9]+)?)\s*(?:s|sec|secs|seconds|ث)?\.?$", re.I)
_SHORT_LINE_CHARS = 120  # footers and date lines are at most this long, invisible marks included
_BREADCRUMB_SEP = re.compile(r"\s*[»›]\s*|\s+>>\s+")
_MAX_BREADCRUMB_CHARS = 200
# C0 controls other than tab/newline/CR: text never carries them, binary junk always does.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_STRING_FIELDS = ("id", "source", "url", "published_at", "fetched_at", "date_extracted", "language", "title",
                  "content", "text", "author")


@dataclass(slots=True)
class ScrapedText:
    section: list[str] | None
    title: str
    paragraphs: list[str]
    total_time_s: float | None
    published_at: str | None = None


def decode(raw: bytes, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> str:
    """Bytes → text, refusing what is too big, not UTF-8, or not text at all. Size is checked first."""
    if len(raw) > max_bytes:
        raise Rejected(errors.OVERSIZED, f"{len(raw)} bytes > max_message_bytes {max_bytes}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Rejected(errors.UNDECODABLE, str(exc)) from None
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise Rejected(errors.EMPTY, "message is empty or whitespace")
    controls = len(_CONTROL.findall(text))
    if controls and controls * 20 > len(text) or "\x00" in text:
        raise Rejected(errors.NOT_TEXT, f"{controls} control characters in {len(text)}")
    return text


def split_scraped(text: str) -> ScrapedText:
    """The scraped layout → its parts. Robust to a missing breadcrumb or footer, CRLF and stray marks."""
    lines = clean_lines(text)
    total = None
    # The footer is the last line; scrapers sometimes leave a stray line after it, so look at two
    # (short ones only: unmarking a whole paragraph to find out it is not a footer cost more than the rest).
    for i in range(len(lines) - 1, max(len(lines) - 3, -1), -1):
        m = len(lines[i]) <= _SHORT_LINE_CHARS and _FOOTER.match(visible(lines[i]).strip())
        if m:
            total = float(m.group(1))
            del lines[i]
            break
    published = None
    # A bare publication-date line may open or close the text; it is metadata, not a paragraph.
    for i in (-1, 0):
        if lines and (published := _dateline(lines[i])):
            del lines[i]
            break
    section = None
    if len(lines) >= 2 and len(lines[0]) <= _MAX_BREADCRUMB_CHARS and _BREADCRUMB_SEP.search(lines[0]):
        parts = [" ".join(visible(p).split()) for p in _BREADCRUMB_SEP.split(lines[0])]
        section = [p for p in parts if p]
        lines = lines[1:]
    if published is None and len(lines) > 1 and (published := _dateline(lines[0])):
        del lines[0]  # the date line can also sit between the breadcrumb and the title
    title = lines[0] if lines else ""
    return ScrapedText(section or None, title, lines[1:], total, published)


def _dateline(line: str) -> str | None:
    # A date line is short even with marks in it: a paragraph is not unmarked just to be turned down.
    return parse_dateline(visible(line)) if len(line) <= _SHORT_LINE_CHARS else None


def parse(raw: bytes, max_bytes: int = DEFAULT_MAX_MESSAGE_BYTES) -> Article:
    """One raw message → an `Article` (not yet normalized). Raises `Rejected` with a reason code."""
    if raw[:1] == b"{" and len(raw) <= max_bytes and b"\x7f" not in raw:
        # The usual envelope, read straight from the bytes: orjson checks the UTF-8 itself, and valid
        # JSON holds no raw control characters (`decode` would find none). Anything it refuses takes the
        # long way below, which names the reason.
        try:
            env = orjson.loads(raw)
        except orjson.JSONDecodeError:
            pass
        else:
            return _from_envelope(env)
    text = decode(raw, max_bytes)
    head = text.lstrip()[:1]
    if head == "{":
        try:
            env = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            raise Rejected(errors.MALFORMED_JSON, str(exc)) from None
        return _from_envelope(env)
    if head == "[" and _is_json(text):  # a JSON array is data, not news; `[عاجل] …` headlines are news
        raise Rejected(errors.INVALID_ENVELOPE, "expected a JSON object, got an array")
    return _from_scraped(text)


def _is_json(text: str) -> bool:
    try:
        orjson.loads(text)
    except orjson.JSONDecodeError:
        return False
    return True


def _from_scraped(text: str, article: Article | None = None) -> Article:
    parts = split_scraped(text)
    article = article or Article()
    article.section = parts.section
    article.title = parts.title
    article.body = "\n".join(parts.paragraphs)
    article.source_total_time_s = parts.total_time_s
    article.published_at = article.published_at or parts.published_at
    if not article.title and not article.body:
        raise Rejected(errors.EMPTY, "nothing left after removing breadcrumb and footer")
    return article


def _from_envelope(env) -> Article:
    if not isinstance(env, dict):
        raise Rejected(errors.INVALID_ENVELOPE, f"expected a JSON object, got {type(env).__name__}")
    for key in _STRING_FIELDS:
        value = env.get(key)
        if value is not None and not isinstance(value, str) and not (key == "id" and isinstance(value, int)):
            raise Rejected(errors.INVALID_ENVELOPE, f"field {key!r} must be a string, got {type(value).__name__}")
    article = Article(
        id=str(env["id"]) if env.get("id") not in (None, "") else "",
        source_name=env.get("source") or None,
        url=env.get("url") or None,
        published_at=env.get("published_at") or None,
        fetched_at=env.get("fetched_at") or env.get("date_extracted") or None,
        language=env.get("language") or None,
    )
    if env.get("text") is not None:
        article = _from_scraped(env["text"], article)
        if env.get("title"):
            article.title = env["title"]
        return article
    if env.get("content") is None:
        raise Rejected(errors.INVALID_ENVELOPE, "needs `text`, or `title` + `content`")
    article.title = clean_line(" ".join((env.get("title") or "").splitlines()))
    article.body = env["content"]
    if not article.title and not article.body.strip():
        raise Rejected(errors.EMPTY, "title and content are empty")
    return article
