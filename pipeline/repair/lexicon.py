"""The word and letter model behind lossy-mojibake recovery, shipped as `pipeline/data/repair_*.tsv.gz`.

Both files are generated from the `wordfreq` data package (not from any evaluation data) by
`python -m pipeline.repair.lexicon` (needs `pip install wordfreq==3.1.1`, a build-time tool only):

- `repair_words.tsv.gz`: English words (Zipf >= 2) and, from 27 Latin-script languages, the words that
  can hold an orphan (see `_is_relevant`, Zipf >= 1.5), with their highest Zipf
  frequency. Keys are case-folded as wordfreq stores them (so German `ß` is `ss`). It tells whether a candidate
  repair is a real word (`Ukraine’s`, `Vučić`, `Łódź`) and whether an `â`/`Ä` word is genuine (`château`).
- `repair_trigrams.tsv.gz`: letter trigram and bigram counts over the word types of those languages,
  kept only where a non-ASCII letter takes part; it scores names that no word list holds.
"""

from __future__ import annotations

import gzip
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pipeline.repair.orphans import LETTER_CANDIDATES

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
WORDS_FILE = DATA_DIR / "repair_words.tsv.gz"
TRIGRAMS_FILE = DATA_DIR / "repair_trigrams.tsv.gz"

LATIN_LANGUAGES = "ca cs da de en es fi fil fr hu id is it lt lv ms nb nl pl pt ro sh sk sl sv tr vi".split()
MIN_ENGLISH_ZIPF = 2.0
MIN_FOREIGN_ZIPF = 1.5
MIN_TRIGRAM_ZIPF = 1.0
BOUNDARY = "^"  # marks a word's start and end in the letter model

_LATIN_WORD = re.compile(r"^[a-z'\u00df-\u024f\u1e00-\u1eff]+$")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# A foreign word matters when an orphan can stand in it: Latin Extended letters (č, ł, ș) anywhere, a bare
# `â` anywhere (genuine in château), a Latin-1 capital only first (inside words those are lower-case,
# which survive the damage as two characters that ftfy repairs).
_ANYWHERE = frozenset(char.lower() for orphan in "ÄÅÈ" for char in LETTER_CANDIDATES[orphan] + "â" if len(char.lower()) == 1)
_FIRST = frozenset(char.lower() for char in LETTER_CANDIDATES["Ã"] + "".join(LETTER_CANDIDATES) if char.isupper())


def _is_relevant(word: str) -> bool:
    """Whether a (case-folded) foreign word can hold an orphan.

    >>> _is_relevant("vučić"), _is_relevant("école"), _is_relevant("café"), _is_relevant("château")
    (True, True, False, True)
    """
    return word[0] in _FIRST or not _ANYWHERE.isdisjoint(word)


@dataclass(frozen=True)
class Lexicon:
    """Word frequencies (Zipf scale, lower-case keys) and a letter trigram model."""

    zipf: dict[str, float]
    trigrams: dict[str, int]
    bigrams: dict[str, int]
    alphabet_size: int

    def word_zipf(self, word: str) -> float:
        """Zipf frequency of `word` in any of the languages, 0 when unknown.

        >>> lexicon = load_lexicon()
        >>> lexicon.word_zipf("Vučić") > 3, lexicon.word_zipf("VuÄiÄ")
        (True, 0.0)
        """
        return self.zipf.get(word.casefold(), 0.0)

    def letter_logprob(self, word: str) -> float:
        """Log-probability of `word` under the letter trigram model (add-one smoothing).

        Only trigrams with a non-ASCII letter are stored, so compare words that differ in such letters.

        >>> lexicon = load_lexicon()
        >>> lexicon.letter_logprob("Vukić") > lexicon.letter_logprob("Vukäć")
        True
        """
        padded = BOUNDARY + word.casefold() + BOUNDARY
        total = 0.0
        for i in range(len(padded) - 2):
            gram = padded[i : i + 3]
            if _NON_ASCII.search(gram):
                total += math.log((self.trigrams.get(gram, 0) + 1) / (self.bigrams.get(gram[:2], 0) + self.alphabet_size))
        return total


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load the shipped model once per process."""
    zipf = {word: float(value) for word, value in _read_tsv(WORDS_FILE)}
    trigrams: dict[str, int] = {}
    bigrams: dict[str, int] = {}
    for gram, count in _read_tsv(TRIGRAMS_FILE):
        (trigrams if len(gram) == 3 else bigrams)[gram] = int(count)
    alphabet = {char for gram in bigrams for char in gram}
    return Lexicon(zipf, trigrams, bigrams, len(alphabet))


def _read_tsv(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            key, _, value = line.rstrip("\n").partition("\t")
            yield key, value


def build(data_dir: Path = DATA_DIR) -> None:
    """Regenerate both files from wordfreq (deterministic: sorted output, fixed thresholds)."""
    import wordfreq  # build-time only

    zipf: dict[str, float] = {}
    grams: Counter[str] = Counter()
    for language in LATIN_LANGUAGES:
        for word, frequency in wordfreq.get_frequency_dict(language, "best").items():
            if not _LATIN_WORD.match(word):
                continue
            value = round(math.log10(frequency) + 9, 1)
            wanted = MIN_FOREIGN_ZIPF if _is_relevant(word) else (MIN_ENGLISH_ZIPF if language == "en" else math.inf)
            if value >= wanted:
                zipf[word] = max(value, zipf.get(word, 0.0))
            if value >= MIN_TRIGRAM_ZIPF and "'" not in word:
                padded = BOUNDARY + word + BOUNDARY
                grams.update(padded[i : i + 2] for i in range(len(padded) - 1))
                grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    data_dir.mkdir(parents=True, exist_ok=True)
    kept_grams = {gram: count for gram, count in grams.items() if len(gram) == 2 or _NON_ASCII.search(gram)}
    _write_tsv(data_dir / WORDS_FILE.name, {word: f"{value:.1f}" for word, value in zipf.items()})
    _write_tsv(data_dir / TRIGRAMS_FILE.name, {gram: str(count) for gram, count in kept_grams.items()})


def _write_tsv(path: Path, rows: dict[str, str]) -> None:
    # mtime=0 so that a rebuild from the same wordfreq gives byte-identical files.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as packed:
        packed.write("".join(f"{key}\t{rows[key]}\n" for key in sorted(rows)).encode("utf-8"))


if __name__ == "__main__":
    build()
    print(f"wrote {WORDS_FILE} ({WORDS_FILE.stat().st_size:,} bytes), {TRIGRAMS_FILE} ({TRIGRAMS_FILE.stat().st_size:,} bytes)")
