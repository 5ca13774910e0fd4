"""A surname the network has never seen, after a title: `المشير حفتر`, `وزير الدفاع التركي، خلوصي أكار،`.

After a title the network votes O on a word it has no embedding for with near certainty (`المشير` +
unseen word: 100%), because in its training text a title is mostly followed by common words it does know
(`الرئيس الأمريكي`, `المتحدث باسم`). When the name lists call that unseen word a surname or a transliterated
name, the lists know more than the network does, and the word is a person. News also sets a name off by
commas after its title and nationality (`وزير الدفاع التركي، خلوصي أكار،`), which ANERcorp never does: there
the name runs to the next comma, up to three words.

Over the three seed-7 holdouts of train this changes one mention (`الرئيس خاتمي`, rightly); over 3,000
SaudiNewsNet articles it adds 15 persons in 12 articles (`الأمير متعب` ×5, `يعلون`, `السفير يسري`), two of
them wrong (`رئيس إرشاد المشاريع`, `الرئيس مؤمن بالحرية`: a word that is also a name). Words the network
knows stay its call: with them, the same rule cost 0.4 points of dev (`المتحدث باسم`, `الفريق على`).
"""
from __future__ import annotations

from collections.abc import Callable, Container

from streams.entities.tagger import name_labels
from streams.tokenize import strip_name_clitic

_COMMAS = frozenset({"،", ","})
MAX_APPOSITIVE_WORDS = 3
# List classes that make a word something other than a person's name.
_NOT_A_PERSON = frozenset({"COUNTRY", "CITY", "CITYBIG", "DEMONYM", "TPERS", "WORG", "WLOC", "CLUB"})


def titled_names(folded: list[str], labels: list[str], classes: Callable[[str], set[str]],
                 seen: Container[str]) -> list[str]:
    """Labels with a person tagged where an unseen surname follows a title, or opens a name set off by
    commas after a title or a nationality. `classes(word)`: its name-list classes; `seen`: the words the
    network has an embedding for."""
    n = len(folded)
    # Words the network knows are most of any sentence: screen them out in one pass.
    for i in [k for k, word in enumerate(folded) if word not in seen and k > 0]:
        word = folded[i]
        if labels[i] != "O" or word.startswith("ال"):
            continue
        own = classes(word)
        if not own & {"PSUR", "PTRANS"} or own & _NOT_A_PERSON:
            continue
        if labels[i - 1] == "O" and "TPERS" in classes(strip_name_clitic(folded[i - 1])):
            labels[i] = "B-PERS"
            continue
        if (folded[i - 1] in _COMMAS and i >= 2 and labels[i - 2] == "O"
                and classes(strip_name_clitic(folded[i - 2])) & {"TPERS", "DEMONYM"}):
            end = i + 1
            while end < n and end - i < MAX_APPOSITIVE_WORDS and labels[end] == "O" and folded[end][:1].isalpha():
                end += 1
            if end < n and folded[end] in _COMMAS:
                labels[i:end] = name_labels("PERS", end - i)
    return labels
