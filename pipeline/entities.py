"""The entity stage: one record per real-world person, organisation and place of an article.

spaCy's NER proposes the mentions (`model_mentions`). A list of small correction steps, each with one job
(`CORRECTION_STEPS`), then fixes what an editor would fix: names cut wrong, titles tagged as names, places
tagged as people, names the model missed elsewhere in the article, and a type that changes from one mention
to the next. `cluster_mentions` groups the mentions of each real-world entity ("Trump", "Donald Trump";
"IAEA", "International Atomic Energy Agency") and `build_entity` writes its record. `explain_entities` says
what each step changed, in the spirit of `ftfy.explain_unicode`.

Mentions are token spans of the spaCy Doc; records carry character offsets into `doc.text`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, replace

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Token

from pipeline.cue_words import cue_verbs
from pipeline.entity_gazetteer import (
    MIN_PERSON_CITY_POPULATION,
    all_title_words,
    city_names,
    country_names,
    demonyms,
    kind_nouns,
    name_key,
    name_particles,
    organisation_designators,
    organisation_names,
    province_names,
    slug,
    title_words,
)
from pipeline.models import Entity, EntityType, Span
from pipeline.quote_marks import is_nickname, pair_quote_marks

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
# Names of people, places and peoples hold no numbers; those of products, events and laws may ("Windows 95").
LABELS_WITHOUT_NUMBERS = {"PERSON", "GPE", "LOC", "NORP"}
# Where a label comes from. Evidence beats the model's majority when the mentions of a name disagree. A word
# found by lookup alone ("lookup") is no evidence: "Minnesota" may be the state or its team.
EVIDENCE_SOURCES = {"gazetteer", "dateline", "context"}
# Verbs of saying right before a one-word name, that show a person: "said Melanie". After the name, any verb of
# speech of the quote stage's cues shows one: "Richards said", "Clinton talked about".
SPEECH_VERBS_BEFORE = frozenset({"said", "says", "told", "tells", "added", "adds", "asked", "asks", "wrote", "writes"})
# Where `headline_tokens` keeps its answer on a doc: two correction steps read it.
HEADLINE_TOKENS = "newswire.headline_tokens"
# The source of a surname that only a headline names in full ("Hillary Clinton Goes After …"; `trim_headline_names`).
HEADLINE_FULL_NAME = "headline full name"
# Words after which a one-word name is a place, not a person ("in Tavildara").
PLACE_PREPOSITIONS = {"in", "near", "outside"}
POSSESSIVES = {"'s", "’s", "'", "’"}
# Parties, which tell apart roles of the same office (the Libertarian candidate is not "the Democratic candidate"),
# and which a person is called by before their name ("Republican Donald Trump").
PARTY_WORDS = {"democratic": "democratic", "democrat": "democratic", "republican": "republican", "gop": "republican",
               "libertarian": "libertarian", "green": "green", "independent": "independent"}
DASHES = {"-", "–", "—", "--"}
# The longest place or organisation name looked up in the gazetteers, in tokens ("House of Representatives").
MAX_GAZETTEER_TOKENS = 4
# The longest dateline place, in tokens ("NEW YORK", "RIO DE JANEIRO"), and the sentences it may open
# (a headline may come first).
MAX_DATELINE_TOKENS = 3
DATELINE_SENTENCES = 3
DATE = re.compile(r"\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}(/\d{2,4})?")
MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "january",
          "february", "march", "april", "june", "july", "august", "september", "october", "november", "december"}
# Generational suffixes and regnal numbers that end a person's name ("Al Unser Jr", "John Paul II"); not "I",
# which is mostly the pronoun.
NAME_SUFFIXES = {"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"}
# Words an appositive title may run to: "Mark Toth, a national security and foreign policy analyst,".
MAX_APPOSITIVE_TOKENS = 8
RELATIVE_WORDS = {"who", "whom", "whose", "which", "that"}
# An owner written after a title in an appositive before a name: "An attorney for Pagliano, Mark MacDougall".
OWNER_PREPOSITIONS = {"for", "of", "at"}
MAX_OWNER_TOKENS = 4
# Longest office named in an "of" phrase of a title: "Chairman of the Senate Armed Services Committee".
MAX_OFFICE_TOKENS = 6
APPOSITIVE_MARKS = {"-", *POSSESSIVES}
# A line is a headline when its words of this length or more (not "of", "to", "and") are capitalised, all but
# one in ten of them, and there are at least MIN_HEADLINE_WORDS of them. A longer line of capitalised words is a
# table or a list of names (sports results), where capitals do mark names.
HEADLINE_WORD_LENGTH = 4
MIN_HEADLINE_WORDS = 3
MAX_HEADLINE_WORDS = 25
HEADLINE_CAPITALISED_SHARE = 0.9
HEADLINE_WORD = re.compile(r"[^\W\d_][\w’'-]*")


@dataclass(frozen=True, order=True)
class Mention:
    """A name in the text: tokens `start`..`end` (exclusive) of the Doc, its spaCy label, where the label
    comes from ("model", "gazetteer", "dateline", "context", "lookup", "document", `HEADLINE_FULL_NAME`) and the
    person's titles."""

    start: int
    end: int
    label: str
    source: str = "model"
    titles: tuple[str, ...] = ()


Step = Callable[[Doc, list[Mention]], list[Mention]]


def describe(doc: Doc, mentions: Iterable[Mention]) -> list[str]:
    """Mentions as "text LABEL" (and titles), for reading.

    >>> import spacy
    >>> describe(spacy.blank("en")("Mark Toth"), [Mention(0, 2, "PERSON", titles=("economist",))])
    ['Mark Toth PERSON economist']
    """
    return [" ".join([_text(doc, mention), mention.label, *mention.titles]) for mention in mentions]


# A nickname in quote marks inside a name, which the name leaves out: 'Robert C. "Bobby" Scott'.
NICKNAME = re.compile(r' ["“][A-Z][\w.\'’-]*["”](?= )')


def _text(doc: Doc, mention: Mention) -> str:
    text = doc[mention.start:mention.end].text
    return NICKNAME.sub("", text) if '"' in text or "“" in text else text


def _key(doc: Doc, mention: Mention) -> str:
    return name_key(_text(doc, mention))


def _is_title_word(word: str) -> bool:
    return word.lower() in all_title_words()


def _opens_sentence(token: Token) -> bool:
    """True for the first word of a sentence, after any opening quote marks or brackets."""
    while not token.is_sent_start and token.i > 0 and (token.nbor(-1).is_punct or token.nbor(-1).is_quote):
        token = token.nbor(-1)
    return bool(token.is_sent_start)


def _continues_name(token: Token) -> bool:
    """A word that would make a longer name with its neighbour: title case, not opening a sentence, no title."""
    return token.text.istitle() and token.is_alpha and not _opens_sentence(token) and not _is_title_word(token.text)


def _stands_alone(doc: Doc, start: int, end: int) -> bool:
    """True when tokens start..end are capitalised and not part of a longer name ("U.S. Open")."""
    capitalised = doc[start].text[0].isupper() and all(token.text[0].isupper() for token in doc[start:end]
                                                       if token.is_alpha)
    before = start > 0 and _continues_name(doc[start - 1])
    after = end < len(doc) and _continues_name(doc[end])
    return capitalised and not before and not after


def _covered(mentions: Iterable[Mention]) -> set[int]:
    return {index for mention in mentions for index in range(mention.start, mention.end)}


def _without_overlaps(mentions: list[Mention], added: list[Mention]) -> list[Mention]:
    """`added` replaces the mentions it overlaps."""
    taken = _covered(added)
    return sorted(added + [m for m in mentions if not taken & set(range(m.start, m.end))])


def model_mentions(doc: Doc) -> list[Mention]:
    """The model's entities that name something (not numbers or dates).

    >>> import spacy; from spacy.tokens import Span as DocSpan
    >>> doc = spacy.blank("en")("Kyiv on Friday")
    >>> doc.ents = [DocSpan(doc, 0, 1, "PERSON"), DocSpan(doc, 2, 3, "DATE")]
    >>> describe(doc, model_mentions(doc))
    ['Kyiv PERSON']
    """
    return [Mention(ent.start, ent.end, ent.label_) for ent in doc.ents if ent.label_ in ENTITY_TYPES]


def split_at_non_name_tokens(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Cut mentions at tokens no such name holds: lone dashes, numbers, and in a person's name lone punctuation,
    possessives ("Trump’s Supporters") and lower-case words other than particles ("van", "bin"); "&" stays, it
    makes a company ("Procter & Gamble").

    >>> import spacy
    >>> doc = spacy.blank("en")("Sri Lanka - Arjuna Ranatunga 63 , Yorkshire at Headingley , Osama bin Laden")
    >>> describe(doc, split_at_non_name_tokens(doc, [Mention(0, 6, "PERSON"), Mention(7, 10, "PERSON"),
    ...                                              Mention(11, 14, "PERSON")]))
    ['Sri Lanka PERSON', 'Arjuna Ranatunga PERSON', 'Yorkshire PERSON', 'Headingley PERSON', 'Osama bin Laden PERSON']
    >>> doc = spacy.blank("en")("Trump’s Supporters and Zine al-Abidine Ben Ali")
    >>> describe(doc, split_at_non_name_tokens(doc, [Mention(0, 3, "PERSON"), Mention(4, 10, "PERSON")]))
    ['Trump PERSON', 'Supporters PERSON', 'Zine al-Abidine Ben Ali PERSON']
    """
    def breaks_name(token: Token, label: str) -> bool:
        # Only a dash between spaces: "Indo-Pacific" is one name even where spaCy splits it in three tokens.
        dash = token.text in DASHES and bool(token.whitespace_) and token.i > 0 and bool(doc[token.i - 1].whitespace_)
        number = label in LABELS_WITHOUT_NUMBERS and any(character.isdigit() for character in token.text)
        # "al-Abidine", "Song-ho": pieces of one hyphenated word, whatever their case.
        glued = token.i > 0 and not doc[token.i - 1].whitespace_
        in_hyphenated_word = glued and ((token.text == "-" and not token.whitespace_) or doc[token.i - 1].text == "-")
        person_breaks = label == "PERSON" and not in_hyphenated_word and (
            (token.is_punct and token.text not in {".", "&"}) or token.is_quote or token.lower_ in POSSESSIVES
            or (token.text[0].islower() and token.text.split("-")[0] not in name_particles()))
        return dash or number or person_breaks

    pieces = []
    for mention in mentions:
        start = mention.start
        for index in range(mention.start, mention.end + 1):
            if index == mention.end or breaks_name(doc[index], mention.label):
                if index > start:
                    pieces.append(replace(mention, start=start, end=index))
                start = index + 1
    return pieces


def _hyphen_joined(token: Token) -> bool:
    """Whether a word is joined by a hyphen, without spaces, to a capitalised word before it: "moon" in "Ki-moon"."""
    if token.i < 2:
        return False
    hyphen, before = token.nbor(-1), token.nbor(-2)
    return hyphen.text == "-" and not hyphen.whitespace_ and not before.whitespace_ and before.text[:1].isupper()


def trim_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Strip spaces, quote marks, punctuation, possessives, honorifics, trailing lower-case words ("news agency")
    and an article that is not part of the name, and from a person's name the titles and nationality before it.

    A lower-case or sentence-initial "the" is not part of a name; "The" inside a sentence is ("told The
    Daily Beast").

    >>> import spacy
    >>> doc = spacy.blank("en")("In the Wall Street Journal’s view, Mr Toth and Russian Defender Igor Kolyvanov")
    >>> describe(doc, trim_mentions(doc, [Mention(1, 6, "ORG"), Mention(8, 10, "PERSON"), Mention(11, 15, "PERSON")]))
    ['Wall Street Journal ORG', 'Toth PERSON', 'Igor Kolyvanov PERSON']
    >>> doc = spacy.blank("en")("said Interfax news agency")
    >>> describe(doc, trim_mentions(doc, [Mention(1, 4, "ORG")]))
    ['Interfax ORG']
    >>> doc = spacy.blank("en")("Ban Ki-moon said to \\xa0Ana Berg")
    >>> describe(doc, trim_mentions(doc, [Mention(0, 4, "PERSON"), Mention(6, 9, "PERSON")]))
    ['Ban Ki-moon PERSON', 'Ana Berg PERSON']
    """
    honorifics = title_words()["honorific"]

    def strippable_start(token: Token, label: str) -> bool:
        article = token.lower_ == "the" and (token.text == "the" or _opens_sentence(token))
        person_prefix = label == "PERSON" and (_is_title_word(token.text) or token.lower_ in demonyms())
        punctuation = token.is_punct or token.is_quote or token.is_space
        return punctuation or article or person_prefix or token.lower_ in honorifics

    def strippable_end(token: Token) -> bool:
        lower_case_word = token.is_alpha and token.text[0].islower() and token.text not in name_particles()
        if lower_case_word and _hyphen_joined(token):
            return False  # "Ban Ki-moon"
        return token.is_punct or token.is_quote or token.is_space or token.lower_ in POSSESSIVES or lower_case_word

    trimmed = []
    for mention in mentions:
        start, end = mention.start, mention.end
        while start < end and strippable_start(doc[start], mention.label):
            start += 1
        while end > start and strippable_end(doc[end - 1]):
            end -= 1
        if start < end:
            trimmed.append(replace(mention, start=start, end=end))
    return trimmed


def extend_cut_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Extend a person's name the model cut after a particle ("Ivan de" -> "Ivan de la Pena") or before a
    generational suffix ("Al Unser" -> "Al Unser Jr").

    >>> import spacy
    >>> doc = spacy.blank("en")("Ivan de la Pena scored and Al Unser Jr won")
    >>> describe(doc, extend_cut_names(doc, [Mention(0, 2, "PERSON"), Mention(6, 8, "PERSON")]))
    ['Ivan de la Pena PERSON', 'Al Unser Jr PERSON']
    """
    def continues(token: Token) -> bool:
        return token.lower_ in name_particles() or (token.is_alpha and token.text.istitle())

    extended = []
    for mention in mentions:
        if mention.label == "PERSON" and doc[mention.end - 1].lower_ in name_particles():
            end = mention.end
            while end < len(doc) and continues(doc[end]):
                end += 1
            extended.append(replace(mention, end=end))
        elif mention.label == "PERSON" and mention.end < len(doc) and doc[mention.end].text in NAME_SUFFIXES:
            extended.append(replace(mention, end=mention.end + 1))
    return _without_overlaps(mentions, extended)


def join_nicknamed_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Make one person of a name with a nickname in quote marks inside it, which the model reads as two names or
    as a name and a quote: 'Rep. Robert C. "Bobby" Scott' is Robert C. Scott (`_text` leaves the nickname out).

    >>> import spacy
    >>> doc = spacy.blank("en")('Rep. Robert C. "Bobby" Scott spoke')
    >>> describe(doc, join_nicknamed_names(doc, [Mention(1, 3, "PERSON"), Mention(4, 7, "PERSON")]))
    ['Robert C. Scott PERSON']
    """
    def name_word(token: Token) -> bool:
        return token.text[:1].isupper() and token.is_alpha and not _is_title_word(token.text)

    def initial(token: Token) -> bool:
        return re.fullmatch(r"[A-Z]\.", token.text) is not None

    joined, text = [], doc.text  # spaCy rebuilds doc.text at every access
    for span in pair_quote_marks(text):
        if not is_nickname(text, span):
            continue
        opening, closing = doc.char_span(span.open_mark, span.start), doc.char_span(span.end, span.close_end or span.end)
        if opening is None or not closing:
            continue
        start, end = opening.start, closing.end
        while start > 0 and initial(doc[start - 1]):
            start -= 1
        if start > 0 and name_word(doc[start - 1]):  # one given name: "Marine John “Tig” Tiegen" is John Tiegen
            start -= 1
        while end < len(doc) and name_word(doc[end]):
            end += 1
        people = [m for m in mentions if m.label == "PERSON" and m.start < end and m.end > start]
        if start < opening.start and end > closing.end and people:
            joined.append(replace(people[0], start=start, end=end))
    return _without_overlaps(mentions, joined)


def drop_non_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop mentions that cannot be names: no capital letter ("war’—or"), or only title words ("Defense").

    >>> import spacy
    >>> doc = spacy.blank("en")("Defense Secretary Pete Hegseth on war")
    >>> describe(doc, drop_non_names(doc, [Mention(0, 1, "ORG"), Mention(2, 4, "PERSON"), Mention(5, 6, "ORG")]))
    ['Pete Hegseth PERSON']
    """
    def is_name(mention: Mention) -> bool:
        tokens = doc[mention.start:mention.end]
        has_capital = any(character.isupper() for character in tokens.text)
        return has_capital and not all(_is_title_word(token.text) for token in tokens)

    return [mention for mention in mentions if is_name(mention)]


def drop_unconfirmed_capitals(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop a "person" written in capitals (a headline) unless the article names that person in normal case:
    the model guesses people for unknown words in capitals ("CLUB FINED").

    >>> import spacy
    >>> doc = spacy.blank("en")("CLUB FINED . PUTIN WINS . Putin won .")
    >>> describe(doc, drop_unconfirmed_capitals(doc, [Mention(0, 2, "PERSON"), Mention(3, 4, "PERSON"),
    ...                                               Mention(6, 7, "PERSON")]))
    ['PUTIN PERSON', 'Putin PERSON']
    """
    def in_capitals(mention: Mention) -> bool:
        return all(token.is_upper for token in doc[mention.start:mention.end] if token.is_alpha)

    confirmed = {_key(doc, mention) for mention in mentions if not in_capitals(mention)}
    return [mention for mention in mentions
            if mention.label != "PERSON" or not in_capitals(mention) or _key(doc, mention) in confirmed]


def is_headline(line: str) -> bool:
    """True for a line in Title Case: in a headline every word is capitalised, so capitals say nothing about
    where a name ends ("Obama Says", "Crooked Hillary Clinton").

    >>> is_headline("Ben Carson Slams Hillary Over Benghazi."), is_headline("Hillary Clinton calls on U.S. to lead.")
    (True, False)
    """
    all_words = HEADLINE_WORD.findall(line)
    words = [word for word in all_words if len(word) >= HEADLINE_WORD_LENGTH]
    capitalised = sum(word[0].isupper() for word in words)
    return (MIN_HEADLINE_WORDS <= len(words) and len(all_words) <= MAX_HEADLINE_WORDS
            and capitalised >= HEADLINE_CAPITALISED_SHARE * len(words))


def headline_tokens(doc: Doc) -> frozenset[int]:
    """Indices of the tokens on headline lines (`is_headline`), kept on the doc for the steps that read them.

    >>> import spacy
    >>> sorted(headline_tokens(spacy.blank("en")("Obama Says No Again.\\nObama said no.")))
    [0, 1, 2, 3, 4]
    """
    if HEADLINE_TOKENS in doc.user_data:
        return doc.user_data[HEADLINE_TOKENS]
    indices: set[int] = set()
    line_start = 0
    for line in doc.text.splitlines(keepends=True):
        if is_headline(line):
            span = doc.char_span(line_start, line_start + len(line.rstrip()), alignment_mode="expand")
            indices |= set(range(span.start, span.end)) if span is not None else set()
        line_start += len(line)
    doc.user_data[HEADLINE_TOKENS] = frozenset(indices)
    return doc.user_data[HEADLINE_TOKENS]


def trim_headline_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Cut a person named in a headline to the longest part of it that running text names, with that label, or
    drop it when running text names no part of it: a Title-Case headline shows no name boundaries. A name of
    another kind that ends in a person running text names is cut to that person ("Why The Democratic Party's Move
    Against Bernie Sanders Could Backfire", which the model reads as one organisation). A surname cut from a
    two-word name is marked as named in full (`HEADLINE_FULL_NAME`): stories often do so only in the headline.

    >>> import spacy
    >>> doc = spacy.blank("en")("Crooked Hillary Clinton Rips Trump Over Taxes\\nHillary Clinton spoke with Trump")
    >>> describe(doc, trim_headline_names(doc, [Mention(0, 4, "PERSON"), Mention(8, 10, "PERSON"),
    ...                                         Mention(12, 13, "ORG")]))
    ['Hillary Clinton PERSON', 'Hillary Clinton PERSON', 'Trump ORG']
    >>> doc = spacy.blank("en")("Hillary Clinton Goes After Trump\\nClinton said")
    >>> [mention.source for mention in trim_headline_names(doc, [Mention(0, 2, "PERSON"), Mention(6, 7, "PERSON")])]
    ['headline full name', 'model']
    >>> doc = spacy.blank("en")("Panel Just Dismissed Bernie Sanders\\nBernie Sanders said")
    >>> describe(doc, trim_headline_names(doc, [Mention(0, 5, "ORG"), Mention(6, 8, "PERSON")]))
    ['Bernie Sanders PERSON', 'Bernie Sanders PERSON']
    >>> doc = spacy.blank("en")("Will Twitter Be Next In Line?\\nNo one knows")
    >>> describe(doc, trim_headline_names(doc, [Mention(0, 4, "PERSON")]))
    []
    """
    headline = headline_tokens(doc)
    # Every run of words that running text gives a name, and the label it gives: ("hillary",), ("clinton",), ...
    running_labels: dict[tuple[str, ...], str] = {}
    for mention in mentions:
        if mention.start not in headline:
            words = name_key(_text(doc, mention)).split()
            for start in range(len(words)):
                for end in range(start + 1, len(words) + 1):
                    running_labels.setdefault(tuple(words[start:end]), mention.label)

    def supported_part(mention: Mention) -> Mention | None:
        keys = [name_key(token.text) for token in doc[mention.start:mention.end]]
        parts = [(end - start, start, end) for start in range(len(keys)) for end in range(start + 1, len(keys) + 1)
                 if tuple(keys[start:end]) in running_labels]
        if not parts:
            return None
        _, start, end = max(parts, key=lambda part: (part[0], -part[1]))
        words = tuple(keys[start:end])
        if (start, end) == (1, 2) and len(keys) == 2 and not _is_title_word(keys[0]):
            source = HEADLINE_FULL_NAME  # the surname, with a first name that may be a headline verb ("Derelict")
        else:
            source = mention.source
        return replace(mention, start=mention.start + start, end=mention.start + end, label=running_labels[words],
                       source=source)

    def person_at_end(mention: Mention) -> Mention | None:  # "The Democratic Party's Move Against Bernie Sanders" ORG
        keys = [name_key(token.text) for token in doc[mention.start:mention.end]]
        start = next((start for start in range(1, len(keys)) if running_labels.get(tuple(keys[start:])) == "PERSON"), None)
        return replace(mention, start=mention.start + start, label="PERSON") if start is not None else None

    trimmed = []
    for mention in mentions:
        if mention.start in headline and mention.label == "PERSON":
            mention = supported_part(mention)
        elif mention.start in headline:
            mention = person_at_end(mention) or mention
        if mention:
            trimmed.append(mention)
    return trimmed


def trim_words_before_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Cut an -ing word, or a function word that opens a sentence or stands in a headline, from a person's name,
    when the rest is someone the article names in full: "Will Sanders come down off the pique?" beside "Bernie
    Sanders"; "Trump Booed After Telling Jeb Bush To Pipe Down". A first name stays where the article names no one
    else by the rest: "Will Smith".

    >>> import spacy
    >>> doc = spacy.blank("en")("Will Sanders quit ? Bernie Sanders spoke . Will Smith sang . Channing Tatum")
    >>> describe(doc, trim_words_before_names(doc, [Mention(0, 2, "PERSON"), Mention(4, 6, "PERSON"),
    ...     Mention(8, 10, "PERSON"), Mention(12, 14, "PERSON")]))
    ['Sanders PERSON', 'Bernie Sanders PERSON', 'Will Smith PERSON', 'Channing Tatum PERSON']
    """
    headline = headline_tokens(doc)
    names = [name_key(_text(doc, mention)).split() for mention in mentions if mention.label == "PERSON"]

    def named_in_full(rest: list[str], whole: list[str]) -> bool:  # by a name other than `whole`
        return any(words == rest and len(rest) > 1 or (len(words) > len(rest) and words[-len(rest):] == rest)
                   for words in names if words != whole)

    def not_a_name(token: Token) -> bool:  # a capitalised -ing word anywhere: title-case lines run into the text
        gerund = token.lower_.endswith("ing") and len(token) > 5
        return gerund or (token.lower_ in STOP_WORDS and (_opens_sentence(token) or token.i in headline))

    trimmed = []
    for mention in mentions:
        words = name_key(_text(doc, mention)).split()
        if (mention.label == "PERSON" and len(words) > 1 and not_a_name(doc[mention.start])
                and named_in_full(words[1:], words)):
            mention = replace(mention, start=mention.start + 1)
        trimmed.append(mention)
    return trimmed


def join_organisations_named_after_people(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Make a person's name and the name of a body after it one organisation ("Clinton Global Initiative",
    "Trump Administration"); so is a "person" ending in a known organisation ("Obama White House").

    >>> import spacy
    >>> doc = spacy.blank("en")("the Clinton Global Initiative and the Obama White House hired Bill Clinton")
    >>> describe(doc, join_organisations_named_after_people(doc, [Mention(1, 2, "PERSON"), Mention(6, 9, "PERSON"),
    ...                                                           Mention(10, 12, "PERSON")]))
    ['Clinton Global Initiative ORG', 'Obama White House ORG', 'Bill Clinton PERSON']
    """
    bodies = organisation_designators()["body"]

    def names_organisation(start: int, end: int) -> bool:
        return doc[end - 1].lower_ in bodies or name_key(doc[start:end].text) in organisation_names()

    def organisation_end(mention: Mention) -> int | None:
        end = mention.end
        while end < len(doc) and end - mention.end < MAX_GAZETTEER_TOKENS and _continues_name(doc[end]):
            end += 1
        ends_after = [tail_end for tail_end in range(end, mention.end, -1) if names_organisation(mention.end, tail_end)]
        ends_inside = any(name_key(doc[start:mention.end].text) in organisation_names()
                          for start in range(mention.start + 1, mention.end))
        return ends_after[0] if ends_after else mention.end if ends_inside else None

    joined = [Mention(mention.start, end, "ORG", "context") for mention in mentions
              if mention.label == "PERSON" and (end := organisation_end(mention))]
    return _without_overlaps(mentions, joined)


def known_label(key: str, label: str) -> str | None:
    """The label the gazetteers give a name the model labelled `label`, or None when they know nothing.

    A country is never a person or an organisation (governments are GPE, as in OntoNotes), and its people are
    NORP. A city or a province is never a person, but one labelled ORG is usually its club ("Leeds beat
    Chelsea") and stays ORG. A company's legal form or an ampersand makes any name an organisation
    ("Pirelli SpA", "Procter & Gamble").

    >>> known_label("kyiv", "PERSON"), known_label("daily beast", "WORK_OF_ART"), known_label("leeds", "ORG")
    ('GPE', 'ORG', None)
    >>> known_label("pirelli spa", "PERSON"), known_label("emily post", "PERSON"), known_label("tajik", "PERSON")
    ('ORG', None, 'NORP')
    >>> known_label("procter & gamble", "PERSON")
    'ORG'
    """
    designators = organisation_designators()
    last_word = key.rsplit(" ", 1)[-1]
    if key in organisation_names():
        return "ORG"
    if key in country_names():  # before the designators: the West Bank is no bank
        return label if label in {"GPE", "LOC"} else "GPE"
    if last_word in designators["legal"] or " & " in key or (label != "PERSON" and last_word in designators["body"]):
        return "ORG"
    if key in demonyms():
        return "NORP"
    if key in city_names(MIN_PERSON_CITY_POPULATION) or key in province_names():
        return label if label in PLACE_LABELS else "GPE" if label == "PERSON" else None
    return None


def retype_known_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Give names found in the gazetteers their known type: Kyiv is a place, The Daily Beast an organisation.

    >>> import spacy
    >>> doc = spacy.blank("en")("Kyiv told The Daily Beast and the Atomic Energy Agency")
    >>> describe(doc, retype_known_names(doc, [Mention(0, 1, "PERSON"), Mention(2, 5, "WORK_OF_ART"),
    ...                                        Mention(7, 10, "GPE")]))
    ['Kyiv GPE', 'The Daily Beast ORG', 'Atomic Energy Agency ORG']
    """
    retyped = []
    for mention in mentions:
        label = known_label(_key(doc, mention), mention.label)
        retyped.append(replace(mention, label=label, source="gazetteer") if label else mention)
    return retyped


def tag_datelines(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Tag the place of a dateline: capitals opening one of the first sentences, then a date, "(Agency)" or
    ", Country" ("LONDON 1996-08-30", "KYIV, Ukraine (AP) -"). A table row ("CHICAGO 62 48") is no dateline.

    >>> import spacy
    >>> doc = spacy.blank("en")("TAVILDARA , Tajikistan 1996-08-30 . CHICAGO 62 48")
    >>> doc[5].is_sent_start = True
    >>> describe(doc, tag_datelines(doc, []))
    ['TAVILDARA GPE']
    """
    def is_place_word(token: Token) -> bool:
        return token.is_upper and token.is_alpha and len(token) > 1

    def opens_dateline(after: Token) -> bool:
        if after.text == "(" or DATE.fullmatch(after.text) or after.lower_.rstrip(".") in MONTHS:
            return True
        return after.text == "," and after.i + 1 < len(doc) and doc[after.i + 1].text[0].isupper()

    sentences = list(doc.sents)[:DATELINE_SENTENCES] if doc.has_annotation("SENT_START") else [doc[:]]
    datelines = []
    for sentence in sentences:
        start = end = sentence.start
        while end < sentence.end and end - start < MAX_DATELINE_TOKENS and is_place_word(doc[end]):
            end += 1
        if start < end < len(doc) and opens_dateline(doc[end]):
            datelines.append(Mention(start, end, "GPE", "dateline"))
    return _without_overlaps(mentions, datelines)


def _gazetteer_label(key: str) -> str | None:
    if key in organisation_names():
        return "ORG"
    if key in country_names() or key in city_names():
        return "GPE"
    return None


def add_gazetteer_mentions(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Add the countries and known organisations the model missed; not cities, whose names clubs share.

    >>> import spacy
    >>> doc = spacy.blank("en")("NATO met Ukraine in Leeds, not at the U.S. Open")
    >>> describe(doc, add_gazetteer_mentions(doc, []))
    ['NATO ORG', 'Ukraine GPE']
    """
    covered = _covered(mentions)
    found = []
    index = 0
    while index < len(doc):
        for length in range(MAX_GAZETTEER_TOKENS, 0, -1) if doc[index].text[0].isupper() else ():
            end = index + length
            if end > len(doc) or covered & set(range(index, end)):
                continue
            key = name_key(doc[index:end].text)
            label = "ORG" if key in organisation_names() else "GPE" if key in country_names() else None
            if label and doc[end - 1].is_alpha and _stands_alone(doc, index, end):
                found.append(Mention(index, end, label, "lookup"))
                index = end - 1
                break
        index += 1
    return sorted(mentions + found)


def add_acronyms(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Tag the acronym in brackets after an organisation's name: "Kurdistan Democratic Party (KDP)".

    >>> import spacy
    >>> doc = spacy.blank("en")("the Kurdistan Democratic Party (KDP) said")
    >>> describe(doc, add_acronyms(doc, [Mention(1, 4, "ORG")]))
    ['Kurdistan Democratic Party ORG', 'KDP ORG']
    """
    covered = _covered(mentions)
    found = []
    for mention in mentions:
        index = mention.end + 1
        if mention.label != "ORG" or index + 1 >= len(doc) or index in covered:
            continue
        acronym = doc[index].text
        bracketed = doc[mention.end].text == "(" and doc[index + 1].text == ")"
        if bracketed and _is_acronym(acronym) and acronym.replace(".", "") == _initials(_text(doc, mention)):
            found.append(Mention(index, index + 1, "ORG", "context"))
    return sorted(mentions + found)


def retype_after_titles(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A name right after a title or honorific is a person ("Secretary Hegseth"), unless it is a known place.

    >>> import spacy
    >>> doc = spacy.blank("en")("Defense Secretary Hegseth and Secretary Kyiv")
    >>> describe(doc, retype_after_titles(doc, [Mention(2, 3, "ORG"), Mention(5, 6, "GPE")]))
    ['Hegseth PERSON', 'Kyiv GPE']
    """
    words = title_words()
    person_cues = words["head"] | words["honorific"]

    def after_title(mention: Mention) -> bool:
        return mention.start > 0 and doc[mention.start - 1].lower_ in person_cues

    return [replace(mention, label="PERSON", source="context")
            if after_title(mention) and mention.label != "PERSON" and not _gazetteer_label(_key(doc, mention))
            else mention for mention in mentions]


def retype_after_kind_nouns(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A "person" right after a lower-case noun saying what kind of thing it is takes that kind's label: "the
    daily Sueddeutsche Zeitung", "Belgian club Standard Liege", "the aircraft carrier Carl Vinson".

    >>> import spacy
    >>> doc = spacy.blank("en")("the daily Zycie Warszawy and Dr Kim and carrier Carl Vinson")
    >>> describe(doc, retype_after_kind_nouns(doc, [Mention(2, 4, "PERSON"), Mention(6, 7, "PERSON"),
    ...                                             Mention(9, 11, "PERSON")]))
    ['Zycie Warszawy ORG', 'Kim PERSON', 'Carl Vinson PRODUCT']
    """
    def kind(mention: Mention) -> str | None:
        before = doc[mention.start - 1] if mention.start > 0 else None
        return kind_nouns().get(before.text) if before is not None and mention.label == "PERSON" else None

    return [replace(mention, label=label, source="context") if (label := kind(mention)) else mention
            for mention in mentions]


def retype_after_place_words(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """A one-word "person" after "in" or "near" is a place ("fighting in Tavildara"), and so are its other mentions.

    >>> import spacy
    >>> doc = spacy.blank("en")("Rebels in Tavildara met Rahmon. Tavildara fell, in Rahmon's view")
    >>> describe(doc, retype_after_place_words(doc, [Mention(2, 3, "PERSON"), Mention(4, 5, "PERSON"),
    ...                                              Mention(6, 7, "PERSON"), Mention(10, 11, "PERSON")]))
    ['Tavildara GPE', 'Rahmon PERSON', 'Tavildara GPE', 'Rahmon PERSON']
    """
    def after_place_word(mention: Mention) -> bool:
        before = mention.start > 0 and doc[mention.start - 1].lower_ in PLACE_PREPOSITIONS
        possessive = mention.end < len(doc) and doc[mention.end].lower_ in POSSESSIVES
        return mention.label == "PERSON" and mention.end - mention.start == 1 and before and not possessive

    places = {_key(doc, mention) for mention in mentions if after_place_word(mention)}
    return [replace(mention, label="GPE", source="context")
            if mention.label == "PERSON" and _key(doc, mention) in places else mention for mention in mentions]


def _surname(words: Sequence[str]) -> tuple[str, ...] | None:
    """The last word of a full name with its particles, when it can stand for the person on its own: "Toth"
    of "Mark Toth", "de Silva" of "Aravinda de Silva".

    >>> _surname(["Aravinda", "de", "Silva"]), _surname(["Toth"]), _surname(["Pete", "Secretary"])
    (('de', 'Silva'), None, None)
    >>> _surname(["Al", "Unser", "Jr"])
    ('Unser',)
    """
    if words and words[-1] in NAME_SUFFIXES:
        words = words[:-1]
    if not words:
        return None
    last = words[-1]
    if len(words) < 2 or not last.isalpha() or len(last) < 2 or _is_title_word(last):
        return None
    start = len(words) - 1
    while start > 1 and words[start - 1] in name_particles():
        start -= 1
    return tuple(words[start:])


def propagate_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Tag other occurrences of a name (and the surname of a person) that the model missed or cut short.

    >>> import spacy
    >>> doc = spacy.blank("en")("Mark Toth met Toth's friend. Trump said Toth Tower is fine. Mark left")
    >>> describe(doc, propagate_names(doc, [Mention(0, 2, "PERSON"), Mention(14, 15, "PRODUCT")]))
    ['Mark Toth PERSON', 'Toth PERSON', 'Mark PRODUCT']
    >>> doc = spacy.blank("en")("Ava Berg spoke. Ava Berg left")
    >>> describe(doc, propagate_names(doc, [Mention(0, 2, "PERSON"), Mention(4, 5, "PRODUCT")]))
    ['Ava Berg PERSON', 'Ava Berg PERSON']
    """
    votes: dict[tuple[str, ...], Counter[str]] = {}
    for mention in mentions:
        words = tuple(token.text for token in doc[mention.start:mention.end])
        votes.setdefault(words, Counter())[mention.label] += 1
        if mention.label == "PERSON" and (surname := _surname(words)):
            votes.setdefault(surname, Counter())["PERSON"] += 1
    by_first_word: dict[str, list[tuple[str, ...]]] = {}
    for words in sorted(votes, key=len, reverse=True):
        for first_word in {words[0], words[0].upper()}:  # headlines write names in capitals
            by_first_word.setdefault(first_word, []).append(words)
    covered = _covered(mentions)
    starting_at = {mention.start: mention for mention in mentions}
    found = []
    for index, token in enumerate(doc):
        cut = starting_at.get(index)  # a mention the model cut short ("Ivanka" of "Ivanka Trump") may grow
        if index in covered and cut is None:
            continue
        for words in by_first_word.get(token.text, []):
            end = index + len(words)
            texts = [token.text for token in doc[index:end]]
            matches = texts == list(words) or texts == [word.upper() for word in words]
            taken = covered & set(range(index, end))
            grows_cut = cut is not None and cut.end < end and taken == set(range(cut.start, cut.end))
            if matches and (not taken or grows_cut) and _stands_alone(doc, index, end):
                found.append(Mention(index, end, votes[words].most_common(1)[0][0], "document"))
                covered |= set(range(index, end))
                break
    return _without_overlaps(mentions, found)


def _name_parts(doc: Doc, mentions: list[Mention]) -> tuple[set[str], dict[str, str]]:
    """Keys a fuller name in the article types: surnames of people (sure), and first names of people and
    short names of companies ("Magna" of "Magna International Inc"), which a gazetteer outweighs."""
    surnames: set[str] = set()
    short_names: dict[str, str] = {}
    for mention in mentions:
        words = [token.text for token in doc[mention.start:mention.end]]
        if mention.label == "PERSON" and (surname := _surname(words)):
            surnames.add(name_key(" ".join(surname)))
            short_names.setdefault(name_key(words[0]), "PERSON")
        designators = organisation_designators()["legal"] | organisation_designators()["body"]
        designated = mention.label == "ORG" and len(words) > 1 and words[-1].lower() in designators
        if designated:
            short_names.setdefault(name_key(" ".join(words[:-1])), "ORG")
            short_names.setdefault(name_key(words[0]), "ORG")
    return surnames, short_names


def _names_ending_in_surnames(doc: Doc, mentions: list[Mention], surnames: set[str]) -> set[str]:
    """Keys of the full names that end in one of `surnames` and not in an organisation's designator: "tashfeen
    malik" where "Malik" is a person, but not "eric trump foundation"."""
    designators = organisation_designators()["legal"] | organisation_designators()["body"]
    found = set()
    for mention in mentions:
        words = [token.text for token in doc[mention.start:mention.end]]
        surname = _surname(words)
        if surname and words[-1].lower() not in designators and name_key(" ".join(surname)) in surnames:
            found.add(_key(doc, mention))
    return found


def unify_labels(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Give every mention of a name one label. In order: a dateline keeps its place; a person's surname is that
    person (even a place name: "MaliVai Washington" ... "Washington"); else evidence (gazetteer, dateline,
    context) wins; else a full name that ends in a person's surname is a person ("Eric Trump" beside "Eric Trump
    Foundation"; "Tashfeen Malik" where "Malik" is a person); else a fuller name's first word; else the majority
    of mentions.

    >>> import spacy
    >>> doc = spacy.blank("en")("JD Vance said Vance and Vance and Kyiv, Kyiv, Kyiv")
    >>> describe(doc, unify_labels(doc, [Mention(0, 2, "PERSON"), Mention(3, 4, "ORG"), Mention(5, 6, "ORG"),
    ...     Mention(7, 8, "PERSON"), Mention(9, 10, "PERSON"), Mention(11, 12, "GPE", "gazetteer")]))
    ['JD Vance PERSON', 'Vance PERSON', 'Vance PERSON', 'Kyiv GPE', 'Kyiv GPE', 'Kyiv GPE']
    >>> doc = spacy.blank("en")("Ava Berg met Berg and Berg . Ivo Berg left")
    >>> describe(doc, unify_labels(doc, [Mention(0, 2, "ORG"), Mention(3, 4, "PERSON"), Mention(5, 6, "PERSON"),
    ...     Mention(7, 9, "PRODUCT")]))
    ['Ava Berg PERSON', 'Berg PERSON', 'Berg PERSON', 'Ivo Berg PERSON']
    """
    surnames, short_names = _name_parts(doc, mentions)
    votes: dict[str, Counter[str]] = {}
    evidence: dict[str, Counter[str]] = {}
    for mention in mentions:
        votes.setdefault(_key(doc, mention), Counter())[mention.label] += 1
        if mention.source in EVIDENCE_SOURCES:
            evidence.setdefault(_key(doc, mention), Counter())[mention.label] += 1

    single_people = {key for key, tally in votes.items() if " " not in key and tally.most_common(1)[0][0] == "PERSON"}
    people_surnamed = _names_ending_in_surnames(doc, mentions, surnames | single_people)

    def unified(mention: Mention) -> str:
        key = _key(doc, mention)
        if mention.source == "dateline":  # a dateline names a place, whoever shares its name
            return mention.label
        if key in surnames:
            return "PERSON"
        if key in evidence:
            return evidence[key].most_common(1)[0][0]
        if key in people_surnamed:
            return "PERSON"
        if key in short_names and mention.label != "NORP":
            return short_names[key]
        return votes[key].most_common(1)[0][0]

    return [replace(mention, label=unified(mention)) for mention in mentions]


def _title_text(tokens: Iterable[Token]) -> str:
    """A title as stored: lower-case words separated by single spaces, straight apostrophes."""
    return " ".join(token.lower_ for token in tokens).replace("’", "'")


def _title_start(doc: Doc, head: int, name_tokens: set[int]) -> int:
    """Where a title ending at token `head` starts: back over title words, names and possessive marks
    ("Nevada 's governor", "Kremlin spokesman")."""
    words = title_words()["head"] | title_words()["modifier"]
    start = head
    while start > 0 and (doc[start - 1].lower_ in words or start - 1 in name_tokens
                         or (doc[start - 1].text in POSSESSIVES and start - 2 in name_tokens)):
        start -= 1
    return start


def _title_before(doc: Doc, mention: Mention, name_tokens: set[int]) -> str | None:
    """The title written right before a name: "Kremlin spokesman" in "Kremlin spokesman Dmitry Peskov", "speaker
    of the house" in "Speaker of the House Newt Gingrich", or the party "Republican" in "Republican Donald Trump"."""
    words = title_words()
    index = _office_head(doc, mention.start - 1)
    is_party = index >= 0 and doc[index].lower_ in PARTY_WORDS and doc[index].text[:1].isupper()
    if index < 0 or not (doc[index].lower_ in words["head"] or is_party):
        return None
    return _title_text(doc[_title_start(doc, index, name_tokens):mention.start])


def _office_head(doc: Doc, index: int) -> int:
    """The head word of a title ending at token `index`, over an "of" phrase that names its office ("Secretary
    of State", "Speaker of the House"); `index` itself when there is none, or when it is a head word ("the wife of
    Senator John Smith" is not a wife)."""
    if index < 0 or doc[index].lower_ in title_words()["head"]:
        return index
    start = index
    while start > max(index - MAX_OFFICE_TOKENS, 0) and (doc[start].text[:1].isupper() or doc[start].lower_ == "the"):
        start -= 1
    is_office = start < index and doc[start].lower_ == "of" and start > 0 and doc[start - 1].lower_ in title_words()["head"]
    return start - 1 if is_office else index


def _title_apposed_before(doc: Doc, mention: Mention, name_tokens: set[int]) -> str | None:
    """The title in an appositive the name, or the name and its own title, follows: "attorney" in "An attorney for
    Pagliano, Mark MacDougall,", "running mate" in "Trump's running mate, Indiana Gov. Mike Pence,"."""
    words = title_words()
    first = mention.start
    if first > 0 and doc[first - 1].lower_ in words["head"]:
        first = _title_start(doc, first - 1, name_tokens)
    index = first - 2
    if index < 0 or doc[index + 1].text != ",":
        return None
    owner = index  # skip an owner written after the title: "for Pagliano", "of the IAEA"
    while owner > index - MAX_OWNER_TOKENS and owner >= 0 and (owner in name_tokens or doc[owner].text[:1].isupper()):
        owner -= 1
    if owner < index and owner > 0 and doc[owner].lower_ in OWNER_PREPOSITIONS:
        index = owner - 1
    if index < 0 or doc[index].lower_ not in words["head"]:
        return None
    return _title_text(doc[_title_start(doc, index, name_tokens):index + 1])


def _title_after(doc: Doc, mention: Mention) -> str | None:
    """The title in an appositive after a name: "analyst" in "Mark Toth, a foreign policy analyst,"."""
    start = mention.end + 1
    if start >= len(doc) or doc[mention.end].text != "," or doc[start].lower_ in RELATIVE_WORDS:
        return None  # "Flowers, who once had an affair with the president," holds no title
    if doc[start].lower_ in {"a", "an", "the"}:
        start += 1
    end = start
    # Possessives belong to titles too: "Mark MacDougall, Pagliano's attorney,".
    while end < len(doc) and end - start < MAX_APPOSITIVE_TOKENS and (doc[end].is_alpha or doc[end].text in APPOSITIVE_MARKS):
        end += 1
    closed = end == len(doc) or doc[end].is_punct
    if end == start or not closed or doc[end - 1].lower_ not in title_words()["head"]:
        return None
    return _title_text(doc[start:end])


def attach_titles(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Attach to each person the titles written before its name or in an appositive before or after it (lower case).

    >>> import spacy
    >>> doc = spacy.blank("en")("Kremlin spokesman Dmitry Peskov and Mark Toth, a policy analyst, said")
    >>> describe(doc, attach_titles(doc, [Mention(0, 1, "ORG"), Mention(2, 4, "PERSON"), Mention(5, 7, "PERSON")]))
    ['Kremlin ORG', 'Dmitry Peskov PERSON kremlin spokesman', 'Mark Toth PERSON policy analyst']
    >>> doc = spacy.blank("en")("An attorney for Pagliano , Mark MacDougall , said")
    >>> describe(doc, attach_titles(doc, [Mention(3, 4, "PERSON"), Mention(5, 7, "PERSON")]))
    ['Pagliano PERSON', 'Mark MacDougall PERSON attorney']
    >>> doc = spacy.blank("en")("Trump 's running mate , Indiana Gov. Mike Pence , said")
    >>> describe(doc, attach_titles(doc, [Mention(0, 1, "PERSON"), Mention(5, 6, "GPE"), Mention(7, 9, "PERSON")]))
    ['Trump PERSON', 'Indiana GPE', 'Mike Pence PERSON indiana gov. running mate']
    >>> doc = spacy.blank("en")("Nevada's governor, Brian Sandoval, said")
    >>> describe(doc, attach_titles(doc, [Mention(0, 1, "GPE"), Mention(4, 6, "PERSON")]))
    ['Nevada GPE', "Brian Sandoval PERSON nevada 's governor"]
    >>> doc = spacy.blank("en")("Secretary of State John Kerry spoke")
    >>> describe(doc, attach_titles(doc, [Mention(2, 3, "ORG"), Mention(3, 5, "PERSON")]))
    ['State ORG', 'John Kerry PERSON secretary of state']
    >>> doc = spacy.blank("en")("Republican Donald Trump spoke")
    >>> describe(doc, attach_titles(doc, [Mention(0, 1, "NORP"), Mention(1, 3, "PERSON")]))
    ['Republican NORP', 'Donald Trump PERSON republican']
    """
    name_tokens = _covered(mention for mention in mentions if mention.label != "PERSON")
    titled = []
    for mention in mentions:
        if mention.label == "PERSON":
            titles = (_title_before(doc, mention, name_tokens), _title_apposed_before(doc, mention, name_tokens),
                      _title_after(doc, mention))
            mention = replace(mention, titles=tuple(title for title in titles if title))
        titled.append(mention)
    return titled


def drop_unsupported_single_names(doc: Doc, mentions: list[Mention]) -> list[Mention]:
    """Drop a one-word "person" the article never names in full (a headline counts), nor writes after a title,
    honorific or family noun ("his wife, Laura"), nor has speak ("Melanie said", "Clinton talked"): news copy
    names people in full at first mention, and such words are mostly clubs, products or common words the model
    misread.
    Precision of people matters more than recall here: quotes are attributed to them.

    >>> import spacy
    >>> doc = spacy.blank("en")("Lotte beat Hyundai , said Mr Kim and his wife , Laura . Melanie said no . Aides said . Clinton talked")
    >>> describe(doc, drop_unsupported_single_names(doc, [Mention(0, 1, "PERSON"), Mention(2, 3, "ORG"),
    ...     Mention(6, 7, "PERSON"), Mention(11, 12, "PERSON"), Mention(13, 14, "PERSON"), Mention(17, 18, "PERSON"),
    ...     Mention(20, 21, "PERSON")]))
    ['Hyundai ORG', 'Kim PERSON', 'Laura PERSON', 'Melanie PERSON', 'Clinton PERSON']
    """
    person_cues = title_words()["head"] | title_words()["honorific"]  # family nouns are heads too

    def cue_before(mention: Mention) -> bool:
        previous = doc[mention.start - 1].lower_ if mention.start > 0 else ""
        before_comma = doc[mention.start - 2].lower_ if mention.start > 1 and previous == "," else ""
        return previous in person_cues or before_comma in title_words()["kin"]

    def speaks(mention: Mention) -> bool:
        previous = doc[mention.start - 1].lower_ if mention.start > 0 else ""
        following = doc[mention.end].lower_ if mention.end < len(doc) else ""
        word = doc[mention.start].lower_
        role_noun = word in title_words()["head"] or word.removesuffix("s") in title_words()["head"]  # "Aides said"
        following_cue = cue_verbs().get(following)
        return (previous in SPEECH_VERBS_BEFORE or (following_cue is not None and following_cue.speech)) and not role_noun

    supported = set()
    for mention in mentions:
        if mention.label == "PERSON":
            if (mention.end - mention.start > 1 or mention.titles or cue_before(mention) or speaks(mention)
                    or mention.source == HEADLINE_FULL_NAME):
                supported |= {_key(doc, mention), *_key(doc, mention).split()}
    return [mention for mention in mentions if mention.label != "PERSON" or _key(doc, mention) in supported]


CORRECTION_STEPS: tuple[Step, ...] = (
    split_at_non_name_tokens,
    extend_cut_names,
    trim_mentions,
    join_nicknamed_names,
    drop_non_names,
    drop_unconfirmed_capitals,
    trim_headline_names,
    trim_words_before_names,
    join_organisations_named_after_people,
    retype_known_names,
    tag_datelines,
    add_gazetteer_mentions,
    add_acronyms,
    retype_after_titles,
    retype_after_kind_nouns,
    retype_after_place_words,
    propagate_names,
    unify_labels,
    attach_titles,
    drop_unsupported_single_names,
)


def _initials(name: str) -> str:
    """ "International Atomic Energy Agency" -> "IAEA"; lower-case words ("of", "the") do not count."""
    return "".join(word[0] for word in name.split() if word[0].isupper())


def _is_acronym(text: str) -> bool:
    letters = text.replace(".", "")
    return 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper()


def _fuller_name(mention: Mention, same_type: list[Mention], texts: dict[Mention, str],
                 words: dict[Mention, list[str]]) -> Mention | None:
    """The mention of the same entity with the fuller name: "Donald Trump" for "Trump", "International
    Atomic Energy Agency" for "IAEA", "Magna International Inc" for "Magna"."""
    text, own_words = texts[mention], words[mention]
    if ENTITY_TYPES[mention.label] == EntityType.person:
        fuller = [other for other in same_type if set(own_words) < set(words[other])]
    elif ENTITY_TYPES[mention.label] == EntityType.organisation:
        acronym = text.replace(".", "") if _is_acronym(text) else None

        def expands(other: Mention) -> bool:
            return bool(acronym) and not _is_acronym(texts[other]) and _initials(texts[other]) == acronym

        def lengthens(other: Mention) -> bool:
            return (words[other][:len(own_words)] == own_words and len(words[other]) > len(own_words)
                    and words[other][-1] in organisation_designators()["legal"])

        fuller = [other for other in same_type if expands(other) or lengthens(other)]
    else:
        return None
    # Two people may share a surname: the surname alone stands for the one named first, whom the story is about
    # ("Former President Bill Clinton spoke for his wife, Hillary Clinton. ... Clinton said"), as news style
    # names the other in full or with an honorific each time. Measured on PolNeAR speakers against taking the
    # nearest fuller name before: 10 of 13 changed dev resolutions and most changed train ones became right.
    return min(fuller, key=lambda other: other.start, default=None)


def cluster_mentions(doc: Doc, mentions: list[Mention]) -> list[list[Mention]]:
    """Group the mentions of each real-world entity, in order of first mention.

    >>> import spacy
    >>> doc = spacy.blank("en")("Donald Trump met the International Atomic Energy Agency ( IAEA ) . Trump")
    >>> mentions = [Mention(0, 2, "PERSON"), Mention(4, 8, "ORG"), Mention(9, 10, "ORG"), Mention(12, 13, "PERSON")]
    >>> [describe(doc, cluster) for cluster in cluster_mentions(doc, mentions)]
    [['Donald Trump PERSON', 'Trump PERSON'], ['International Atomic Energy Agency ORG', 'IAEA ORG']]
    """
    texts = {mention: _text(doc, mention) for mention in mentions}
    words = {mention: name_key(text).split() for mention, text in texts.items()}
    by_type: dict[EntityType, list[Mention]] = {}
    for mention in mentions:
        by_type.setdefault(ENTITY_TYPES[mention.label], []).append(mention)
    clusters: dict[tuple[EntityType, str], list[Mention]] = {}
    for mention in sorted(mentions):
        entity_type = ENTITY_TYPES[mention.label]
        representative = mention
        while fuller := _fuller_name(representative, by_type[entity_type], texts, words):
            representative = fuller
        if mention.titles and _shared_by_several(mention, by_type[entity_type], words):
            mention = replace(mention, titles=())  # "Secretary Clinton" beside Bill and Hillary: whose title is unsure
        clusters.setdefault((entity_type, " ".join(words[representative])), []).append(mention)
    return list(clusters.values())


def _shared_by_several(mention: Mention, same_type: list[Mention], words: dict[Mention, list[str]]) -> bool:
    """Whether a person's short name is part of two different fuller names: "Clinton" beside "Bill Clinton" and
    "Hillary Clinton", not beside "Hillary Clinton" and "Hillary Rodham Clinton".

    >>> import spacy
    >>> doc = spacy.blank("en")("Bill Clinton met Hillary Clinton . Secretary Clinton")
    >>> mentions = [Mention(0, 2, "PERSON"), Mention(3, 5, "PERSON"), Mention(7, 8, "PERSON", titles=("secretary",))]
    >>> [describe(doc, cluster) for cluster in cluster_mentions(doc, mentions)]
    [['Bill Clinton PERSON', 'Clinton PERSON'], ['Hillary Clinton PERSON']]
    """
    if ENTITY_TYPES[mention.label] != EntityType.person:
        return False
    fuller = {frozenset(words[other]) for other in same_type if set(words[mention]) < set(words[other])}
    return any(not (a <= b or b <= a) for a in fuller for b in fuller)


def canonical_name(doc: Doc, cluster: list[Mention], quoted: Collection[int]) -> str:
    """The fullest name the article uses for an entity, in its own words where they give a full name: a quote
    may add a nickname ("working Crooked Hillary Clinton" beside the writer's "Hillary Clinton"). A name only
    a quote gives in full still counts ("Putin" outside, "Vladimir Putin" inside).

    >>> import spacy
    >>> doc = spacy.blank("en")("Hillary Clinton spoke . “ Crooked Hillary Clinton ” , he said . Clinton")
    >>> cluster = [Mention(0, 2, "PERSON"), Mention(5, 8, "PERSON"), Mention(14, 15, "PERSON")]
    >>> canonical_name(doc, cluster, {5, 6, 7}), canonical_name(doc, cluster[1:], {5, 6, 7})
    ('Hillary Clinton', 'Crooked Hillary Clinton')
    """
    def fullness(text: str) -> tuple[int, int]:
        return len(text.split()), len(text)

    own_words = [_text(doc, mention) for mention in cluster if mention.start not in quoted]
    fullest_own = max(own_words, key=fullness, default="")
    return fullest_own if len(fullest_own.split()) > 1 else max((_text(doc, m) for m in cluster), key=fullness)


def build_entity(doc: Doc, cluster: list[Mention], quoted: Collection[int] = ()) -> Entity:
    """The record of one entity: its `canonical_name` (`quoted`: the indices of words inside quote marks), a
    stable id, its label, aliases, titles and mentions.

    >>> import spacy
    >>> doc = spacy.blank("en")("President Donald Trump and Trump")
    >>> entity = build_entity(doc, [Mention(1, 3, "PERSON", titles=("president",)), Mention(4, 5, "PERSON")])
    >>> entity.id, entity.name, entity.aliases, entity.titles, entity.mention_count
    ('person:donald-trump', 'Donald Trump', ['Trump'], ['president'], 2)
    """
    texts = [_text(doc, mention) for mention in cluster]
    name = canonical_name(doc, cluster, quoted)
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
    quoted = {token.i for span in pair_quote_marks(doc.text)
              for token in doc.char_span(span.start, span.end, alignment_mode="expand") or ()}
    return [build_entity(doc, cluster, quoted) for cluster in cluster_mentions(doc, mentions)]


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
