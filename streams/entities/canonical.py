"""Canonical forms of mentions and their grouping within an article.

A mention's text is what the article wrote (`لطرابلس`, `وحكومة`); its canonical form is the folded name
with a proclitic removed from its first word when that leaves a known name: another mention of the same
article (`وبريطانيا` next to `بريطانيا`), else a place (the most populous reading: `ولبنان` → `لبنان`, not the
given name `بنان`), else a list entry. Unknown names lose only proclitics
that are unambiguous in front of the article (`وال…`, `بال…`, `لل…` → `ال…`) and a leading conjunction و/ف.
"""
from __future__ import annotations

from collections.abc import Callable

from streams.article import Mention
from streams.normalize import fold_arabic, join_name_compounds
from streams.tokenize import proclitic_splits, tokens

# Proclitic + article: the letters before ال cannot belong to a name that starts with ال.
_ARTICLE_CHAINS = ("وال", "فال", "بال", "كال", "وبال", "فبال", "وكال", "فكال", "ولل", "فلل", "لل")


def folded_key(text: str) -> str:
    return " ".join(tokens(fold_arabic(text)))


def canonical_form(text: str, known: Callable[[str], bool], article_forms: set[str] = frozenset(),
                   key: str | None = None, place: Callable[[str], int] | None = None) -> str:
    """`key`: `folded_key(text)`, when the caller has it already. `place`: how well known a name is as a
    place (population + 1; 0 for no place), a cleaner list than `known`, tried first on clitic readings.
    `عبد العزيز` and `عبدالعزيز` get one canonical form, joined."""
    return join_name_compounds(_stripped(text, known, article_forms, key, place))


def _stripped(text: str, known: Callable[[str], bool], article_forms: set[str], key: str | None,
              place: Callable[[str], int] | None) -> str:
    key = folded_key(text) if key is None else key
    if not key:
        return key
    first, _, rest = key.partition(" ")
    readings = [f"{stem} {rest}" if rest else stem for _, stem in proclitic_splits(first, 3)]
    # Another mention of the article without the clitic settles it (`وبريطانيا` next to `بريطانيا`).
    for cand in readings:
        if cand in article_forms:
            return cand
    # A conjunction before the article, the rest a known name: lists have such entries too (`والعراق`).
    if first.startswith(("وال", "فال")) and len(first) >= 6 and known(key[1:]):
        return key[1:]
    # No name starts with لل (ل + the article, or ل + a name in ل: `للأمم`, `للبنان`).
    if known(key) and not first.startswith("لل"):
        return key
    # A place first, the best-known of them (`ولبنان` is و + لبنان, though بنان is a given name; `للندن`
    # London, not الندن in North Macedonia), then any known name, longest clitic first: name lists also
    # hold clitic-attached forms (`بالقاهرة`).
    if place is not None:
        best = max(readings, key=place, default=None)
        if best is not None and place(best):
            return best
    for cand in readings:
        if known(cand):
            return cand
    if first.startswith("لل") and len(first) >= 4:
        return " ".join(["ال" + first[2:]] + ([rest] if rest else []))
    for chain in _ARTICLE_CHAINS:
        if first.startswith(chain) and len(first) - len(chain) >= 2:
            stem = "ال" + first[len(chain):]
            return f"{stem} {rest}" if rest else stem
    # An unknown name after the conjunction و/ف: in news the letter is far more often the conjunction.
    if first[0] in "وف" and len(first) >= 5:
        return f"{first[1:]} {rest}" if rest else first[1:]
    return key


def group_mentions(mentions: list[Mention]) -> list[dict]:
    """One group per (canonical, type), in order of first mention, with mention indices."""
    groups: dict[tuple[str, str], dict] = {}
    for i, m in enumerate(mentions):
        g = groups.get((m.canonical, m.type))
        if g is None:
            g = groups[(m.canonical, m.type)] = {"canonical": m.canonical, "type": m.type, "count": 0,
                                                 "mentions": [], "geo": None}
        g["count"] += 1
        g["mentions"].append(i)
    return list(groups.values())
