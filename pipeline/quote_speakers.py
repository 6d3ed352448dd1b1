"""Linking a speaker as written ("Toth", "he", "the defense secretary", "the Kremlin") to an article entity.

Gender is not known, so pronouns follow salience: a pronoun refers to the person who was last the subject
of a main clause outside quotes and reported content. A person named inside a quote or in what someone
reported ("He added that talks were led by President Donald Trump") does not take the focus. When
nothing fits, the speaker stays unknown rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Token

from pipeline.models import Entity, EntityType

PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
# Labels of the words that build a name or description before its head: "the Kremlin spokesman Dmitry".
NOUN_PHRASE_DEPS = frozenset({"compound", "amod", "det", "poss", "case", "nmod", "nummod", "npadvmod", "predet", "quantmod"})
_ROLE_SKIPPED_DEPS = frozenset({"det", "poss", "case", "punct", "predet"})


def role_words(tokens: Iterable[Token]) -> str:
    """The role a speaker description names, lower-cased, without articles and punctuation.

    >>> import spacy
    >>> role_words(spacy.blank("en")("the Defense Secretary"))
    'defense secretary'
    """
    return " ".join(t.lower_ for t in tokens if t.dep_ not in _ROLE_SKIPPED_DEPS and t.lower_ not in {"the", "a", "an"} and not t.is_punct)


def holds_role(title: str, role: str) -> bool:
    """Whether an entity's title names the role, the one ending with the other at a word boundary.

    >>> holds_role("defense secretary", "secretary"), holds_role("ukrainian president", "president")
    (True, True)
    >>> holds_role("vice president", "president"), holds_role("president", "vice president")
    (True, False)
    """
    return title == role or title.endswith(" " + role)


class EntityIndex:
    """Which entity a character of the text belongs to, and who holds a role."""

    def __init__(self, text_length: int, entities: list[Entity]):
        self.entities = entities
        self._owner: list[Entity | None] = [None] * text_length
        # People are written last so that they win where an organisation's mention overlaps a person's.
        for entity in sorted(entities, key=lambda e: e.type == EntityType.person):
            for mention in entity.mentions:
                self._owner[mention.start:mention.end] = [entity] * (min(mention.end, text_length) - mention.start)

    def at(self, token: Token) -> Entity | None:
        return self._owner[token.idx] if token.idx < len(self._owner) else None

    def holders(self, role: str) -> list[Entity]:
        if not role:
            return []
        return [e for e in self.entities if e.type == EntityType.person and any(holds_role(t, role) for t in e.titles)]


def mention_tokens(subject: Token) -> list[Token]:
    """The speaker as written: the noun phrase up to the subject's head ("Economist Mark Toth", not the
    apposition after it, nor a phrase the parser hung on it such as "Of Carson, Levine")."""
    start = subject.i
    while start > subject.left_edge.i and subject.doc[start - 1].dep_ in NOUN_PHRASE_DEPS:
        start -= 1
    return list(subject.doc[start: subject.i + 1])


def resolve(subject: Token, index: EntityIndex, focus: Entity | None) -> Entity | None:
    """The entity a subject refers to: a pronoun the focused person, a relative pronoun its antecedent
    ("Warren, who told reporters"), a name its entity, a role its holder."""
    if subject.lower_ in PERSON_PRONOUNS:
        return focus
    if subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl" and subject.head.head.i != subject.i:
        return resolve(subject.head.head, index, focus)
    named = index.at(subject) or next((index.at(c) for c in subject.children if c.dep_ == "appos" and index.at(c)), None)
    if named:
        return named
    holders = index.holders(role_words(mention_tokens(subject)))
    if focus in holders:
        return focus
    return holders[0] if len(holders) == 1 else None


class SalienceFocus:
    """The person in focus at each point of the document: the last resolved person subject of a main clause."""

    def __init__(self, doc: Doc, index: EntityIndex, is_excluded: Callable[[Token], bool]):
        self.index = index
        self._positions: list[int] = []
        self._people: list[Entity] = []
        self._subjects: list[Token] = []
        for token in doc:
            if token.dep_ in SUBJECT_DEPS and not is_excluded(token):
                person = resolve(token, index, self.before(token.i))
                if person is not None and person.type == EntityType.person:
                    self._positions.append(token.i)
                    self._people.append(person)
                    self._subjects.append(token)

    def before(self, token_index: int) -> Entity | None:
        at = bisect_left(self._positions, token_index)
        return self._people[at - 1] if at else None

    def subject_before(self, token_index: int) -> Token | None:
        """Where the person in focus was last the subject, for a verb whose subject is left out ("and said")."""
        at = bisect_left(self._positions, token_index)
        return self._subjects[at - 1] if at else None

    def speaker(self, subject: Token) -> Entity | None:
        return resolve(subject, self.index, self.before(subject.i))
