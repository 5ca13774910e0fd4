"""CRF features for a tokenized sentence.

Every feature of a word depends on the word alone (folded form, proclitic-stripped stems, affixes, shape,
list membership, cluster), so they are computed once per distinct word and kept in a bounded cache; a
sentence's items are then assembled from its words' cached features plus the multi-word list matches,
which do depend on the neighbours.
"""
from __future__ import annotations

from streams.entities.gazetteer import Gazetteer, clitic_forms
from streams.normalize import fold_arabic
from streams.tokenize import proclitic_splits

_CACHE_LIMIT = 200_000
_ARABIC = set(chr(c) for c in range(0x0621, 0x064B)) | set("ٱ")
_LATIN = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
# Proclitics that leave a three-letter stem are usually real (بمصر, لندن is a name): keep them short.
_MIN_STEM = 2


def word_shape(word: str) -> str:
    if not word:
        return "E"
    if word.isdigit():
        return "D"
    if all(c in _ARABIC or not c.isalpha() for c in word) and any(c in _ARABIC for c in word):
        return "A"
    if any(c in _LATIN for c in word):
        return "Lu" if word[0].isupper() else "Ll"
    if not any(c.isalnum() for c in word):
        return "P" + word[:1]
    return "O"


class WordFeatures:
    """Word → (own features, features seen by its neighbours); memoized, bounded."""

    def __init__(self, gazetteer: Gazetteer, clusters: dict[str, str] | None = None) -> None:
        self.gazetteer = gazetteer
        self.clusters = clusters or {}
        self.cache: dict[str, tuple] = {}

    def __call__(self, word: str) -> tuple:
        hit = self.cache.get(word)
        if hit is not None:
            return hit
        if len(self.cache) >= _CACHE_LIMIT:
            self.cache.clear()
        hit = self.cache[word] = self._compute(word)
        return hit

    def _compute(self, word: str) -> tuple:
        f = fold_arabic(word).lower()
        splits = proclitic_splits(f, _MIN_STEM) if len(f) > 2 else []
        stems = [s for _, s in splits]
        shape = word_shape(word)
        own = [f"w={f}", f"sh={shape}", f"len={min(len(f), 8)}"]
        if len(f) > 2:
            own += [f"p2={f[:2]}", f"p3={f[:3]}", f"x1={f[-1:]}", f"x2={f[-2:]}", f"x3={f[-3:]}"]
        if word != fold_arabic(word):
            own.append("unfolded")
        gaz = self.gazetteer.word_classes(f)
        for cls in gaz:
            own.append(f"g={cls}")
        stem_gaz: set[str] = set()
        for clitic, stem in splits:
            own.append(f"st={stem}")
            classes = self.gazetteer.word_classes(stem)
            if classes:
                own.append(f"cl={clitic}")
                stem_gaz |= classes
        for cls in stem_gaz - gaz:
            own.append(f"gc={cls}")
        core = stems[0] if stems else f
        if core.startswith("ال") and len(core) > 3:
            own.append(f"na={core[2:]}")
            own.append("art")
        cluster = self.clusters.get(f) or next((self.clusters[s] for s in stems if s in self.clusters), None)
        if cluster:
            own += [f"c4={cluster[:4]}", f"c8={cluster[:8]}", f"c={cluster}"]
        # What a neighbour sees of this word: its form, first stem, list classes and cluster.
        ctx = [f"w={f}"]
        if stems:
            ctx.append(f"st={stems[0]}")
        ctx += [f"g={c}" for c in gaz | stem_gaz]
        if cluster:
            ctx.append(f"c={cluster[:6]}")
        near_ctx = ctx + [f"sh={shape}"]
        return (own, {o: [f"{o:+d}{x}" for x in (near_ctx if abs(o) == 1 else ctx[:2])] for o in (-2, -1, 1, 2)},
                f, clitic_forms(f) if len(f) > 2 else [])

    def sentence(self, words: list[str]) -> list[list[str]]:
        """CRF items (lists of binary feature names) for one sentence of words."""
        per_word = [self(w) for w in words]
        n = len(words)
        folded = [p[2] for p in per_word]
        items = []
        for i in range(n):
            feats = list(per_word[i][0])
            feats.append("bias")
            for o in (-2, -1, 1, 2):
                j = i + o
                if 0 <= j < n:
                    feats.extend(per_word[j][1][o])
                elif abs(o) == 1:
                    feats.append("BOS" if o < 0 else "EOS")
            if i > 0:
                feats.append(f"bg={folded[i - 1]}|{folded[i]}")
            items.append(feats)
        for start, end, classes, _ in self.gazetteer.match(folded, [p[3] for p in per_word]):
            if end - start < 2:
                continue
            for k in range(start, end):
                tag = "B" if k == start else "I"
                for cls in classes:
                    items[k].append(f"m{tag}={cls}")
            if end < n:
                items[end].extend(f"mafter={cls}" for cls in classes)
        return items
