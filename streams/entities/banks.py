"""A bank named by its adjectives is an organisation: `البنك التجاري`, `للبنك المركزي الأوروبي`, `المصرف الإسلامي`.

Banks are named by what they are (commercial, central, Islamic) or where they are from (`السعودي الفرنسي`),
with common words the tagger keeps outside names. In ANERcorp train all 9 such phrases are in an organisation,
8 at its start (`البنك الدولي`, `البنك الآسيوي للتنمية`, `للبنك المركزي الاوروبي`), and a bank word before
anything else (`البنك في بيان`) is outside names all 9 times. Other heads (`الصندوق`, `المنظمة`, `الوكالة`) were
tried the same way and cost F1 on two of three held-out fifths of train. Generic adjectives are the
error it makes (`البنك الإلكتروني`, `البنك التقليدي`: two of its 14 additions over 3,000 SaudiNewsNet articles).
"""
from __future__ import annotations

import re

from streams.normalize import fold_arabic

_BANKS = frozenset(fold_arabic(w) for w in ("البنك", "المصرف"))
_PROCLITICS = ("", "و", "ف", "ب", "ل", "وب", "ول", "فب", "فل")
# A relative adjective with the article, as folded: الدولي, التجاري, الاسلاميه (ة folds to ه).
_NISBA = re.compile(r"^ال\w{2,}(ي|يه)$")
MAX_ADJECTIVES = 2


def _is_bank(word: str) -> bool:
    if word.startswith("لل"):  # للبنك: ل + البنك
        return "ال" + word[2:] in _BANKS
    return any(word.startswith(p) and word[len(p):] in _BANKS for p in _PROCLITICS)


def named_banks(folded: list[str], labels: list[str]) -> list[str]:
    """Labels with each bank word followed by one or two article-bearing relative adjectives tagged ORG
    over those words, where the tagger left them all outside names (and no name goes on after them)."""
    for i in range(len(folded) - 1):
        if not (_is_bank(folded[i]) and _NISBA.match(folded[i + 1])):
            continue
        end = i + 2
        while end < len(folded) and end - i <= MAX_ADJECTIVES and _NISBA.match(folded[end]):
            end += 1
        if all(label == "O" for label in labels[i:end]) and (end == len(labels) or not labels[end].startswith("I-")):
            labels[i:end] = ["B-ORG"] + ["I-ORG"] * (end - i - 1)
    return labels
