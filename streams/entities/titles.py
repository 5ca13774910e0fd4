"""Quoted names after a word that says what they name: `برنامج « حور الدنيا »`, `فيلم "المقابلة"` are MISC,
`صحيفة « معاريف »` an organisation.

The tagger reads words and lists; a programme's, film's or book's title is ordinary words (`حوار من القلب`,
`تعظيم سلام`), so it leaves the title outside or calls it a person or an organisation. The quotes and the
word before them say what it is. ANERcorp tags such titles MISC: of the 34 quoted spans of one to four words
after these cues in train, 23 are exactly a MISC name, 6 are outside names (descriptive titles after `بعنوان`,
some TV series) and 5 hold other names (`كتاب « روسيا بوتين »`), which this leaves alone when the tagger
finds them. All 39 such spans after the organisation cues are exactly an organisation.
"""
from __future__ import annotations

from streams.entities.tagger import bio_to_spans, name_labels
from streams.normalize import fold_arabic

# What a quoted title names, as the word before the quotes says it. Works (MISC): programmes, series,
# films, books, novels, plays, songs, albums, poems, collections, "entitled", stadiums, a vehicle's model
# (`طراز`); `سيارة` is not one: `سيارة « رولز رويس »` quotes the maker. Organisations (ORG): newspapers,
# magazines, companies, foundations, websites, channels, agencies.
_CUE_TYPES = {fold_arabic(w): kind for kind, words in (
    ("MISC", ("برنامج", "مسلسل", "فيلم", "كتاب", "رواية", "مسرحية", "أغنية", "ألبوم", "ديوان", "قصيدة",
              "بعنوان", "عنوان", "استاد", "ملعب", "طراز")),
    ("ORG", ("صحيفة", "جريدة", "مجلة", "شركة", "مؤسسة", "موقع", "قناة", "وكالة")),
) for w in words}
# Proclitics and the article a cue may carry (`وفيلم`, `بالبرنامج`), and its suffixes (`برنامجا`, `برنامجها`).
_PREFIXES = ("", "و", "ف", "ب", "ل", "وب", "ول", "ال", "وال", "فال", "بال", "لل")
_SUFFIXES = frozenset({"", "ا", "ه", "ها", "هم", "ي"})
# "new" may stand between the cue and the title: `ببرنامج جديد « حور الدنيا »`.
_BETWEEN = frozenset(fold_arabic(w) for w in ("جديد", "جديدا", "الجديد", "جديدة", "الجديدة"))
_CLOSING = {"«": "»", '"': '"', "“": "”", "''": "''", "'": "'"}
# Longer quoted spans are mostly descriptive titles of lectures and theses, which ANERcorp leaves outside.
MAX_TITLE_WORDS = 4


def _cue_type(word: str) -> str | None:
    """The type of name a quoted title after `word` is, or None if `word` is no cue."""
    for prefix in _PREFIXES:
        if word.startswith(prefix):
            stem = word[len(prefix):]
            for cue, kind in _CUE_TYPES.items():
                if stem.startswith(cue) and stem[len(cue):] in _SUFFIXES:
                    return kind
    return None


def _title_end(folded: list[str], start: int, closing: str) -> int:
    """The index of the closing quote of a title of one to MAX_TITLE_WORDS words from `start`, or -1."""
    end = start
    while end < len(folded) and end - start <= MAX_TITLE_WORDS and folded[end][:1].isalnum():
        end += 1
    if end == start or end - start > MAX_TITLE_WORDS or end >= len(folded):
        return -1
    # A title opened by one quote mark is often closed by another (`« ... "`); `''` may come as two tokens.
    return end if folded[end] in ('"', "»", "”", "'", "''", closing) else -1


def quoted_titles(folded: list[str], labels: list[str]) -> list[str]:
    """Labels with each quoted title after a cue word tagged with the cue's type, unless the tagger found more than one
    name in it or a name that is only part of it (`كتاب « روسيا بوتين »`: a place and a person)."""
    if _CLOSING.keys().isdisjoint(folded):  # most sentences quote nothing
        return labels
    i = 0
    while i < len(folded):
        closing = _CLOSING.get(folded[i])
        if closing is None:
            i += 1
            continue
        start = i + 1
        if folded[i] == "'" and start < len(folded) and folded[start] == "'":  # ANERcorp's `' '`
            start, closing = start + 1, "'"
        end = _title_end(folded, start, closing)
        before = i - 1
        if before >= 0 and folded[before] in _BETWEEN:
            before -= 1
        kind = _cue_type(folded[before]) if end > 0 and before >= 0 else None
        if kind:
            found = bio_to_spans(labels[start:end])
            if not found or (len(found) == 1 and found[0][1:] == (0, end - start)):
                labels[start:end] = name_labels(kind, end - start)
        i = max(end, i + 1)
    return labels
