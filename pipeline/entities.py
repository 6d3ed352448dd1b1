"""The entity stage: one record per real-world person, organisation and place of an article.

spaCy's NER proposes the mentions (`model_mentions`). A list of small correction steps, each with one job
(`CORRECTION_STEPS`), then fixes what an editor would fix: stray punctuation and articles in names, titles
tagged as names, places tagged as people, names the model missed elsewhere in the article, and a type that
changes from one mention to the next. `cluster_mentions` groups the mentions of each real-world entity
("Trump", "Donald Trump"; "IAEA", "International Atomic Energy Agency") and `build_entity` writes its record.
`explain_entities` says what every step changed, like `ftfy.explain_unicode` does for text.

Mentions are token spans of the spaCy Doc; records carry character offsets into `doc.text`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.tokens import Doc, Token

from pipeline.entity_gazetteer import (
    city_names,
    country_names,
    name_key,
    organisation_designators,
    organisation_names,
    slug,
    title_words,
)
from pipeline.models import Entity, EntityType, Span

# Sentence boundaries tell a sentence-initial "The" (not part of a name) from "told The Daily Beast".
REQUIRES: frozenset[str] = frozenset({"senter", "ner"})

# spaCy labels that name something, and the public type each maps to; numbers and dates are not entities.
ENTITY_TYPES: dict[str, EntityType] = {
    "PERSON": EntityType.person,
    "ORG": EntityType.organisation,
    "GPE": EntityType.location,
    "LOC": EntityType.location,
    "FAC": EntityType.location,
    "NORP": EntityType.other,
    "EVENT": EntityType.other,
    "WORK_OF_ART": EntityType.other,
    "LAW": EntityType.other,
    "PRODUCT": EntityType.other,
    "LANGUAGE": EntityType.other,
}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
# The longest place or organisation name looked up in the gazetteers, in tokens ("House of Representatives").
MAX_GAZETTEER_TOKENS = 4
# Words an appositive title may run to: "Mark Toth, a national security and foreign policy analyst,".
MAX_APPOSITIVE_TOKENS = 8


@dataclass(frozen=True, order=True)
class Mention:
    """A name in the text: tokens `start`..`end` (exclusive) of the Doc, its spaCy label and its titles."""

    start: int
    end: int
    label: str
    titles: tuple[str, ...] = ()


Step = Callable[[Doc, list[Mention]], list[Mention]]


def _text(doc: Doc, mention: Mention) -> str:
    return doc[mention.start:mention.end].text


def _is_title_word(word: str) -> bool:
    words = title_words()
    return word.lower() in words["head"] | words["modifier"] | words["honorific"]


def _starts_name(token: Token) -> bool:
    """A token that can continue a name next to another: title case and not the first word of a sentence."""
    return token.text.istitle() and not _opens_sentence(token) and not _is_title_word(token.text)


def _opens_sentence(token: Token) -> bool:
    """True for the first word of a sentence, after any opening quote marks or brackets."""
    while not token.is_sent_start and token.i > 0 and (token.nbor(-1).is_punct or token.nbor(-1).is_quote):
        token = token.nbor(-1)
    return bool(token.is_sent_start)


def _covered(mentions: Iterable[Mention]) -> set[int]:
    return {index for mention in mentions for index in range(mention.start, mention.end)}


def model_mentions(doc: Doc) -> list[Mention]:
    """The model's entities that name something (not numbers or dates).

    >>> import spacy; from spacy.tokens import Span as DocSpan
    >>> doc = spacy.blank("en")("Kyiv on Friday")
    >>> doc.ents = [DocSpan(doc, 0, 1, "PERSON"), DocSpan(doc, 2, 3, "DATE")]
    >>> model_mentions(doc)
    [Mention(start=0, end=1, label='PERSON', titles=())]
    """
    return [Mention(ent.start, ent.end, ent.label_) for ent in doc.ents if ent.label_ in ENTITY_TYPES]


def trim_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Strip quote marks, punctuation, possessives, honorifics and an article that is not part of the name.

    A lower-case or sentence-initial "the" is not part of a name; "The" inside a sentence is ("told The
    Daily Beast").

    >>> import spacy
    >>> doc = spacy.blank("en")("In the Wall Street Journal’s view, Mr Toth")
    >>> trim_mentions(doc, [Mention(1, 6, "ORG"), Mention(8, 10, "PERSON")])
    [Mention(start=2, end=5, label='ORG', titles=()), Mention(start=9, end=10, label='PERSON', titles=())]
    """
    honorifics = title_words()["honorific"]

    def strippable_start(token: Token) -> bool:
        article = token.lower_ == "the" and (token.text == "the" or _opens_sentence(token))
        return token.is_punct or token.is_quote or article or token.lower_ in honorifics

    def strippable_end(token: Token) -> bool:
        return token.is_punct or token.is_quote or token.lower_ in {"'s", "’s", "'", "’"}

    trimmed = []
    for mention in mentions:
        start, end = mention.start, mention.end
        while start < end and strippable_start(doc[start]):
            start += 1
        while end > start and strippable_end(doc[end - 1]):
            end -= 1
        if start < end:
            trimmed.append(replace(mention, start=start, end=end))
    return trimmed


def drop_non_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop mentions that cannot be names: no capital letter ("war’—or"), or only title words ("Defense").

    >>> import spacy
    >>> doc = spacy.blank("en")("Defense Secretary Pete Hegseth on war")
    >>> drop_non_names(doc, [Mention(0, 1, "ORG"), Mention(2, 4, "PERSON"), Mention(5, 6, "ORG")])
    [Mention(start=2, end=4, label='PERSON', titles=())]
    """
    def is_name(mention: Mention) -> bool:
        tokens = doc[mention.start:mention.end]
        has_capital = any(character.isupper() for character in tokens.text)
        return has_capital and not all(_is_title_word(token.text) for token in tokens)

    return [mention for mention in mentions if is_name(mention)]


def _known_label(key: str, label: str) -> str:
    """The label the gazetteers give a name, or `label` when they say nothing against it.

    A country is never a person or an organisation (governments are GPE, as in OntoNotes); a city is never
    a person, but a city name tagged ORG is usually its club ("Leeds beat Chelsea") and stays ORG.
    """
    last_word = key.rsplit(" ", 1)[-1]
    if key in organisation_names() or (label != "PERSON" and last_word in organisation_designators()):
        return "ORG"
    if key in country_names() and label not in {"GPE", "LOC"}:
        return "GPE"
    if key in city_names() and label not in PLACE_LABELS | {"ORG"}:
        return "GPE"
    return label


def retype_known_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Give names found in the gazetteers their known type: Kyiv is a place, The Daily Beast an organisation.

    >>> import spacy
    >>> doc = spacy.blank("en")("Kyiv told The Daily Beast and the Atomic Energy Agency")
    >>> retype_known_names(doc, [Mention(0, 1, "PERSON"), Mention(2, 5, "WORK_OF_ART"), Mention(7, 10, "GPE")])
    [Mention(start=0, end=1, label='GPE', titles=()), Mention(start=2, end=5, label='ORG', titles=()), \
Mention(start=7, end=10, label='ORG', titles=())]
    """
    return [replace(mention, label=_known_label(name_key(_text(doc, mention)), mention.label)) for mention in mentions]


def _gazetteer_label(key: str) -> str | None:
    if key in organisation_names():
        return "ORG"
    if key in country_names() or key in city_names():
        return "GPE"
    return None


def _stands_alone(doc: Doc, start: int, end: int) -> bool:
    """True when tokens start..end are capitalised and not part of a longer name ("U.S. Open")."""
    capitalised = all(token.text[0].isupper() for token in doc[start:end] if token.is_alpha)
    before = start > 0 and _starts_name(doc[start - 1]) and doc[start - 1].is_alpha
    after = end < len(doc) and _starts_name(doc[end])
    return capitalised and doc[start].text[0].isupper() and not before and not after


def add_gazetteer_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Add the countries, capitals, large cities and known organisations the model missed.

    >>> import spacy
    >>> doc = spacy.blank("en")("NATO met in Brussels, not at the U.S. Open")
    >>> add_gazetteer_mentions(doc, [])
    [Mention(start=0, end=1, label='ORG', titles=()), Mention(start=3, end=4, label='GPE', titles=())]
    """
    covered = _covered(mentions)
    found = []
    index = 0
    while index < len(doc):
        for length in range(MAX_GAZETTEER_TOKENS, 0, -1):
            end = index + length
            if end > len(doc) or covered & set(range(index, end)):
                continue
            label = _gazetteer_label(name_key(doc[index:end].text))
            if label and _stands_alone(doc, index, end):
                found.append(Mention(index, end, label))
                index = end - 1
                break
        index += 1
    return sorted(mentions + found)


def retype_by_title_context(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A name right after a title or honorific is a person ("Secretary Hegseth"), unless it is a known place.

    >>> import spacy
    >>> doc = spacy.blank("en")("Defense Secretary Hegseth and Secretary Kyiv")
    >>> retype_by_title_context(doc, [Mention(2, 3, "ORG"), Mention(5, 6, "GPE")])
    [Mention(start=2, end=3, label='PERSON', titles=()), Mention(start=5, end=6, label='GPE', titles=())]
    """
    words = title_words()
    person_cues = words["head"] | words["honorific"]

    def after_title(mention: Mention) -> bool:
        return mention.start > 0 and doc[mention.start - 1].lower_ in person_cues

    def known(mention: Mention) -> bool:
        return _gazetteer_label(name_key(_text(doc, mention))) is not None

    return [replace(mention, label="PERSON") if after_title(mention) and not known(mention) else mention
            for mention in mentions]


def _surname(words: Sequence[str]) -> str | None:
    """The last word of a full name, when it can stand for the person on its own ("Toth" in "Mark Toth")."""
    last = words[-1]
    if len(words) < 2 or not last.isalpha() or len(last) < 2 or _is_title_word(last):
        return None
    return last


def propagate_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Tag other occurrences of a name (and the surname of a person) that the model missed.

    >>> import spacy
    >>> doc = spacy.blank("en")("Mark Toth met Toth's friend. Trump said Toth Tower is fine.")
    >>> propagate_names(doc, [Mention(0, 2, "PERSON")])
    [Mention(start=0, end=2, label='PERSON', titles=()), Mention(start=3, end=4, label='PERSON', titles=())]
    """
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for mention in mentions:
        words = tuple(token.text for token in doc[mention.start:mention.end])
        votes.setdefault(words, Counter())[mention.label] += 1
        if mention.label == "PERSON" and (surname := _surname(words)):
            votes.setdefault((surname,), Counter())["PERSON"] += 1
    names = sorted(votes, key=len, reverse=True)
    covered = _covered(mentions)
    found = []
    for index in range(len(doc)):
        if index in covered:
            continue
        for words in names:
            end = index + len(words)
            texts = [token.text for token in doc[index:end]]
            matches = texts == list(words) or texts == [word.upper() for word in words]
            if matches and not covered & set(range(index, end)) and _stands_alone(doc, index, end):
                found.append(Mention(index, end, votes[words].most_common(1)[0][0]))
                covered |= set(range(index, end))
                break
    return sorted(mentions + found)


def unify_labels(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Give every mention of a name the same label: a person's surname is a person, else the majority.

    >>> import spacy
    >>> doc = spacy.blank("en")("JD Vance said Vance and Vance and Moscow, Moscow, Moscow")
    >>> [m.label for m in unify_labels(doc, [Mention(0, 2, "PERSON"), Mention(3, 4, "ORG"),
    ...     Mention(5, 6, "ORG"), Mention(7, 8, "GPE"), Mention(9, 10, "GPE"), Mention(11, 12, "PERSON")])]
    ['PERSON', 'PERSON', 'PERSON', 'GPE', 'GPE', 'GPE']
    """
    person_keys = set()
    for mention in mentions:
        if mention.label == "PERSON":
            words = [token.text for token in doc[mention.start:mention.end]]
            surname = _surname(words)
            person_keys |= {name_key(surname)} if surname and len(words) > 1 else set()
    votes: dict[str, Counter[str]] = {}
    for mention in mentions:
        votes.setdefault(name_key(_text(doc, mention)), Counter())[mention.label] += 1

    def unified(mention: Mention) -> str:
        key = name_key(_text(doc, mention))
        return "PERSON" if key in person_keys else votes[key].most_common(1)[0][0]

    return [replace(mention, label=unified(mention)) for mention in mentions]


def _title_before(doc: Doc, mention: Mention, name_tokens: set[int]) -> str | None:
    """The title written right before a name: "Kremlin spokesman" in "Kremlin spokesman Dmitry Peskov"."""
    words = title_words()
    index = mention.start - 1
    if index < 0 or doc[index].lower_ not in words["head"]:
        return None
    while index >= 0 and (doc[index].lower_ in words["head"] | words["modifier"] or index in name_tokens):
        index -= 1
    return " ".join(token.lower_ for token in doc[index + 1:mention.start]).replace("’", "'")


def _title_after(doc: Doc, mention: Mention) -> str | None:
    """The title in an appositive after a name: "analyst" in "Mark Toth, a foreign policy analyst,"."""
    start = mention.end + 1
    if start >= len(doc) or doc[mention.end].text != ",":
        return None
    if doc[start].lower_ in {"a", "an", "the"}:
        start += 1
    end = start
    while end < len(doc) and end - start < MAX_APPOSITIVE_TOKENS and (doc[end].is_alpha or doc[end].text == "-"):
        end += 1
    closed = end == len(doc) or doc[end].is_punct
    if end == start or not closed or doc[end - 1].lower_ not in title_words()["head"]:
        return None
    return doc[start:end].text.lower()


def attach_titles(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Attach to each person the titles written before its name or in an appositive after it (lower case).

    >>> import spacy
    >>> doc = spacy.blank("en")("Kremlin spokesman Dmitry Peskov and Mark Toth, a policy analyst, said")
    >>> attach_titles(doc, [Mention(0, 1, "ORG"), Mention(2, 4, "PERSON"), Mention(5, 7, "PERSON")])[1:]
    [Mention(start=2, end=4, label='PERSON', titles=('kremlin spokesman',)), \
Mention(start=5, end=7, label='PERSON', titles=('policy analyst',))]
    """
    name_tokens = _covered(mention for mention in mentions if mention.label != "PERSON")
    titled = []
    for mention in mentions:
        if mention.label == "PERSON":
            titles = (_title_before(doc, mention, name_tokens), _title_after(doc, mention))
            mention = replace(mention, titles=tuple(title for title in titles if title))
        titled.append(mention)
    return titled


CORRECTION_STEPS: tuple[Step, ...] = (
    trim_mentions,
    drop_non_names,
    retype_known_names,
    add_gazetteer_mentions,
    retype_by_title_context,
    propagate_names,
    unify_labels,
    attach_titles,
)


def _initials(name: str) -> str:
    """ "International Atomic Energy Agency" -> "IAEA"; lower-case words ("of", "the") do not count."""
    return "".join(word[0] for word in name.split() if word[0].isupper())


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


def _cluster_key(doc: Doc, mention: Mention, mentions: list[Mention]) -> tuple[EntityType, str]:
    """The key shared by all mentions of one entity: a person's full name, an acronym's expansion."""
    entity_type = ENTITY_TYPES[mention.label]
    text = _text(doc, mention)
    same_type = [other for other in mentions if ENTITY_TYPES[other.label] == entity_type]
    if entity_type == EntityType.person:
        words = set(name_key(text).split())
        fuller = [other for other in same_type if words < set(name_key(_text(doc, other)).split())]
        if fuller:
            # Two people may share a surname: take the fuller name mentioned closest before (or after) this one.
            nearest = min(fuller, key=lambda other: (other.start > mention.start, abs(other.start - mention.start)))
            return _cluster_key(doc, nearest, mentions)
    if entity_type == EntityType.organisation and _is_acronym(text):
        acronym = text.replace(".", "")
        for other in same_type:
            if _initials(_text(doc, other)) == acronym and len(acronym) > 1 and not _is_acronym(_text(doc, other)):
                return entity_type, name_key(_text(doc, other))
    return entity_type, name_key(text)


def cluster_mentions(doc: Doc, mentions: list[Mention]) -> list[list[Mention]]:
    """Group the mentions of each real-world entity, in order of first mention.

    >>> import spacy
    >>> doc = spacy.blank("en")("Donald Trump met the International Atomic Energy Agency ( IAEA ) . Trump")
    >>> mentions = [Mention(0, 2, "PERSON"), Mention(4, 8, "ORG"), Mention(9, 10, "ORG"), Mention(12, 13, "PERSON")]
    >>> [[_text(doc, m) for m in cluster] for cluster in cluster_mentions(doc, mentions)]
    [['Donald Trump', 'Trump'], ['International Atomic Energy Agency', 'IAEA']]
    """
    clusters: dict[tuple[EntityType, str], list[Mention]] = {}
    for mention in sorted(mentions):
        clusters.setdefault(_cluster_key(doc, mention, mentions), []).append(mention)
    return list(clusters.values())


def build_entity(doc: Doc, cluster: list[Mention]) -> Entity:
    """The record of one entity: the fullest name used, a stable id, its label, aliases, titles and mentions.

    >>> import spacy
    >>> doc = spacy.blank("en")("President Donald Trump and Trump")
    >>> entity = build_entity(doc, [Mention(1, 3, "PERSON", ("president",)), Mention(4, 5, "PERSON")])
    >>> entity.id, entity.name, entity.aliases, entity.titles, entity.mention_count
    ('person:donald-trump', 'Donald Trump', ['Trump'], ['president'], 2)
    """
    texts = [_text(doc, mention) for mention in cluster]
    name = max(texts, key=lambda text: (len(text.split()), len(text)))
    label = Counter(mention.label for mention in cluster).most_common(1)[0][0]
    entity_type = ENTITY_TYPES[label]
    spans = [Span(text=doc[m.start:m.end].text, start=doc[m.start].idx, end=doc[m.end - 1].idx + len(doc[m.end - 1]))
             for m in cluster]
    return Entity(
        id=f"{entity_type.value}:{slug(name_key(name))}",
        name=name,
        type=entity_type,
        label=label,
        aliases=list(dict.fromkeys(text for text in texts if text != name)),
        titles=list(dict.fromkeys(title for mention in cluster for title in mention.titles)),
        mentions=spans,
        mention_count=len(spans),
    )


def _describe_changes(doc: Doc, step: str, before: list[Mention], after: list[Mention]) -> list[str]:
    old = {(m.start, m.end): m for m in before}
    new = {(m.start, m.end): m for m in after}
    lines = [f"{step}: added {_text(doc, m)!r} {m.label}" for span, m in new.items() if span not in old]
    lines += [f"{step}: removed {_text(doc, m)!r} {m.label}" for span, m in old.items() if span not in new]
    for span in old.keys() & new.keys():
        was, now = old[span], new[span]
        if was.label != now.label:
            lines.append(f"{step}: {_text(doc, now)!r} {was.label} -> {now.label}")
        if was.titles != now.titles:
            lines.append(f"{step}: {_text(doc, now)!r} titles {list(now.titles)}")
    return sorted(lines)


def corrected_mentions(doc: Doc, steps: Sequence[Step] = CORRECTION_STEPS,
                       explanation: list[str] | None = None) -> list[Mention]:
    """The model's mentions after each step in turn; what each changed is appended to `explanation`."""
    mentions = model_mentions(doc)
    for step in steps:
        corrected = step(doc, mentions)
        if explanation is not None:
            explanation += _describe_changes(doc, step.__name__, mentions, corrected)
        mentions = corrected
    return mentions


def extract_entities(doc: Doc, steps: Sequence[Step] = CORRECTION_STEPS) -> list[Entity]:
    """One record per person, organisation, place (and other named thing) of the article, in order of first mention."""
    mentions = corrected_mentions(doc, steps)
    return [build_entity(doc, cluster) for cluster in cluster_mentions(doc, mentions)]


def explain_entities(doc: Doc, steps: Sequence[Step] = CORRECTION_STEPS) -> list[str]:
    """What each correction step changed in the model's mentions, one line per change.

    >>> import spacy; from spacy.tokens import Span as DocSpan
    >>> doc = spacy.blank("en")("Kyiv answered")
    >>> doc.ents = [DocSpan(doc, 0, 1, "PERSON")]
    >>> explain_entities(doc)
    ["retype_known_names: 'Kyiv' PERSON -> GPE"]
    """
    explanation: list[str] = []
    corrected_mentions(doc, steps, explanation)
    return explanation
