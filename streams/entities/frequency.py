"""How common a word is in Arabic at large, from the `wordfreq` package's Arabic list (Wikipedia, subtitles,
news, web text; its data is CC BY-SA 4.0). Training time only: the common words that are in no name list are
what the name-likeness classifier (`namelike.py`) learns to tell from names. Nothing here runs when tagging.
"""
from __future__ import annotations

import math

from streams.normalize import fold_arabic

_MIN_ZIPF = 2


def arabic_frequencies() -> dict[str, int]:
    """Folded word → Zipf frequency (rounded down, ≥ 2; the most frequent spelling wins) from `wordfreq`;
    empty when the package is not installed (a training-time extra)."""
    try:
        from wordfreq import get_frequency_dict
    except ImportError:
        return {}
    zipf: dict[str, int] = {}
    for word, freq in get_frequency_dict("ar", "large").items():
        z = int(math.log10(freq) + 9)
        folded = fold_arabic(word)
        if z >= _MIN_ZIPF and folded and z > zipf.get(folded, 0):
            zipf[folded] = z
    return zipf
