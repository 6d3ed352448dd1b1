"""Cue words: the verbs and nouns that introduce what someone said, wrote or thinks ("said", "accused",
"his claim that"), read from `pipeline/data/quotes_cue_verbs.tsv` and `quotes_cue_nouns.tsv`. The quote stage
finds attributions with them; the entity stage reads a one-word name that speaks as a person."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True)
class Cue:
    """A cue word: the dependency labels holding its reported content, and what act it reports.

    Labels are those of the cue's children ("ccomp", "xcomp", "dobj", "acl"), "prep:of" for the object of
    that preposition ("accused Russia of X", "his criticism of X"), or "clause" for the clause the cue
    stands in ("Trump reportedly met X"). The act is speech (words uttered or written), thought (beliefs,
    intentions, findings of the subject), stance (a position taken toward something, "signed X", "liked
    X", which frames no quote) or impression ("appears to", "seems"), whose subject is what is reported on,
    not who reports it.
    """

    content: frozenset[str]
    act: str

    @property
    def speech(self) -> bool:
        return self.act == "speech"

    @property
    def has_speaker(self) -> bool:
        return self.act != "impression"

    @property
    def introduces_quotes(self) -> bool:
        """Whether the cue can frame a quote: a stance ("signed X", "liked X") reports no words."""
        return self.act != "stance"


def read_cues(name: str) -> dict[str, Cue]:
    """Each word form of a cue table in pipeline/data with what it reports."""
    table: dict[str, Cue] = {}
    for line in files("pipeline").joinpath(f"data/{name}").read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "lemma\t")) or not line.strip():
            continue
        _lemma, forms, content, act = line.split("\t")
        for form in forms.split():
            table[form] = Cue(frozenset(content.split()), act)
    return table


@lru_cache(maxsize=1)
def cue_verbs() -> dict[str, Cue]:
    """Each cue verb form with what it reports.

    >>> accused = cue_verbs()["accused"]
    >>> sorted(accused.content), accused.speech, cue_verbs()["thinks"].speech
    (['ccomp', 'dobj', 'prep:for', 'prep:of'], True, False)
    """
    return read_cues("quotes_cue_verbs.tsv")


@lru_cache(maxsize=1)
def cue_nouns() -> dict[str, Cue]:
    """Each cue noun form with what it reports: "his claim that X", "criticism of X", "plans to X".

    >>> sorted(cue_nouns()["criticism"].content), sorted(cue_nouns()["claim"].content)
    (['prep:of'], ['acl', 'ccomp'])
    """
    return read_cues("quotes_cue_nouns.tsv")
