"""The quote stage on the repaired seed article and on the quote forms news uses."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline.models import Entity, EntityType, QuoteKind, Span
from pipeline.nlp import load_nlp
from pipeline.quote_marks import pair_quote_marks
from pipeline.quotes import REQUIRES, extract_quotes
from pipeline.settings import get_settings

SEED = (Path(__file__).parents[1] / "fixtures" / "seed.repaired.txt").read_text(encoding="utf-8")


def entity(text: str, name: str, type_: EntityType, forms: list[str], titles: list[str] = ()) -> Entity:
    """An entity as the entity stage gives it: every mention of each form in `text`."""
    mentions = [Span(text=m.group(), start=m.start(), end=m.end()) for form in forms for m in re.finditer(rf"\b{re.escape(form)}\b", text)]
    return Entity(id=f"{type_.value}:{name.lower().replace(' ', '-')}", name=name, type=type_, label="PERSON",
                  aliases=forms[1:], titles=list(titles), mentions=mentions, mention_count=len(mentions))


def person(text: str, name: str, titles: list[str] = ()) -> Entity:
    return entity(text, name, EntityType.person, [name, name.split()[-1]], titles)


@pytest.fixture(scope="module")
def nlp():
    return load_nlp(get_settings().spacy_model, REQUIRES)


@pytest.fixture(scope="module")
def seed_quotes(nlp):
    org = EntityType.organisation
    entities = [
        person(SEED, "JD Vance", ["vice president"]),
        person(SEED, "Pete Hegseth", ["defense secretary"]),
        person(SEED, "Donald Trump", ["president"]),
        person(SEED, "Vladimir Putin", ["russian president"]),
        person(SEED, "Mark Toth", ["economist", "analyst"]),
        person(SEED, "Volodymyr Zelensky", ["ukrainian president"]),
        person(SEED, "Dmitry Peskov", ["kremlin spokesman"]),
        entity(SEED, "International Atomic Energy Agency", org, ["International Atomic Energy Agency", "IAEA"]),
        entity(SEED, "Kremlin", org, ["Kremlin"]),
    ]
    return extract_quotes(nlp(SEED), entities)


# The 14 direct and partial quotes of the seed, by their opening words, with the speaker an editor names.
SEED_QUOTED = [
    ("There are economic tools", QuoteKind.direct, "JD Vance", "the vice president"),
    ("There are any number", QuoteKind.direct, "JD Vance", "he"),
    ("Any security guarantee", QuoteKind.direct, "Pete Hegseth", "he"),
    ("Everything is on the table", QuoteKind.direct, "Pete Hegseth", "the defense secretary"),
    ("What he decides", QuoteKind.direct, "Pete Hegseth", "he"),
    ("very closely", QuoteKind.partial, "Donald Trump", None),
    ("immediately.", QuoteKind.partial, "Donald Trump", None),
    ("The White House appears", QuoteKind.direct, "Mark Toth", "Toth"),
    ("Ultimately, this approach", QuoteKind.direct, "Mark Toth", "Toth"),
    ("One final word", QuoteKind.direct, "Mark Toth", "he"),
    ("This mixed messaging", QuoteKind.direct, "Mark Toth", "he"),
    ("What better way", QuoteKind.direct, "Mark Toth", "he"),
    ("attack drone with", QuoteKind.partial, "Volodymyr Zelensky", None),
    ("Most likely, we are", QuoteKind.direct, "Dmitry Peskov", "Kremlin spokesman Dmitry Peskov"),
]


def test_seed_finds_the_14_quotes_with_their_spans(seed_quotes):
    quoted = [q for q in seed_quotes if q.kind != QuoteKind.indirect]
    openings = [opening for opening, *_ in SEED_QUOTED]
    assert [q.text[:len(opening)] for q, opening in zip(quoted, openings)] == openings and len(quoted) == 14
    for quote in quoted:
        assert SEED[quote.start:quote.end] == quote.text
        assert SEED[quote.start - 1] in "“\"" and SEED[quote.end] in "”\""  # the span is exactly inside the marks


@pytest.mark.parametrize("opening, kind, speaker, mention", SEED_QUOTED)
def test_seed_quote_kind_and_speaker(seed_quotes, opening, kind, speaker, mention):
    quote = next(q for q in seed_quotes if q.kind != QuoteKind.indirect and q.text.startswith(opening))
    assert quote.kind == kind
    assert quote.speaker.name == speaker
    assert quote.speaker.entity == "person:" + speaker.lower().replace(" ", "-")
    if mention is not None:
        assert quote.speaker.mention.text == mention
        assert SEED[quote.speaker.mention.start:quote.speaker.mention.end] == mention


def test_seed_nested_single_quotes_stay_in_the_outer_quote(seed_quotes):
    toth = next(q for q in seed_quotes if q.text.startswith("The White House appears"))
    assert "‘fog of war’" in toth.text and toth.text.endswith("endgame in Europe,")
    assert not any(q.text.startswith("fog of") for q in seed_quotes)


def test_seed_mixed_closing_mark_ends_the_peskov_quote(seed_quotes):
    peskov = next(q for q in seed_quotes if q.text.startswith("Most likely"))
    assert peskov.text.endswith("hesitate to do,") and peskov.cue.text == "told"


@pytest.mark.parametrize("cue, content_start, speaker", [
    ("said", "the U.S. may take military action", "JD Vance"),
    ("accused", "Russia of striking the Chernobyl", "Volodymyr Zelensky"),
    ("said", "The strike caused major damage", "Volodymyr Zelensky"),
    ("said", "The contradictory messaging from the White House", "Mark Toth"),
    ("said", "that radiation levels remain stable", "International Atomic Energy Agency"),
    ("denied", "responsibility", "Kremlin"),
    ("warned", "that such tactics come with significant risks", "Mark Toth"),
])
def test_seed_indirect_attributions(seed_quotes, cue, content_start, speaker):
    indirect = [q for q in seed_quotes if q.kind == QuoteKind.indirect and q.text.startswith(content_start)]
    assert len(indirect) == 1
    assert indirect[0].cue.text == cue and indirect[0].speaker.name == speaker
    assert SEED[indirect[0].cue.start:indirect[0].cue.end] == cue


def texts(text: str) -> list[str]:
    return [text[q.start:q.end] for q in pair_quote_marks(text)]


def test_straight_curly_and_mixed_marks_pair():
    assert texts('“One,” he said. "Two," she said. “Three," they said.') == ["One,", "Two,", "Three,"]


def test_apostrophes_are_not_quote_marks():
    assert texts("Ukraine’s aspirations and the ’90s, don't “go” there") == ["go"]


def test_an_unclosed_mark_loses_no_other_quote():
    assert texts('“Lost opening. Later “kept,” he said, and "also kept."') == ["kept,", "also kept."]


def test_quote_running_over_paragraphs_continues_its_speaker(nlp):
    text = "“We will rebuild the bridge,” Mayor Ann Lee said. “It will take two years.\n“And it will cost less than the old one.”"
    quotes = extract_quotes(nlp(text), [person(text, "Ann Lee", ["mayor"])])
    assert [q.text for q in quotes] == ["We will rebuild the bridge,", "It will take two years.", "And it will cost less than the old one."]
    assert {q.speaker.name for q in quotes} == {"Ann Lee"}
    assert all(q.kind == QuoteKind.direct for q in quotes)


def test_inverted_cue_and_role_speaker(nlp):
    text = ("Health Minister Sara Obi visited the hospital on Monday. "
            "“The ward will reopen in May,” said the health minister.")
    quote = extract_quotes(nlp(text), [person(text, "Sara Obi", ["health minister"])])[0]
    assert (quote.speaker.name, quote.speaker.mention.text, quote.cue.text) == ("Sara Obi", "the health minister", "said")


def test_pronoun_follows_the_subject_not_a_person_named_in_reported_content(nlp):
    text = ("Senator Tom Hale spoke after the vote. He added that the bill was drafted by Governor Lisa Moreno. "
            "“It is a good day for the state,” he said.")
    entities = [person(text, "Tom Hale", ["senator"]), person(text, "Lisa Moreno", ["governor"])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert (quote.speaker.name, quote.speaker.mention.text) == ("Tom Hale", "he")


def test_pronoun_skips_a_person_the_article_shows_is_of_the_other_gender(nlp):
    text = ("Anna Berg spoke to voters on Monday. She said the plan would fail.\n\n"
            "Governor Tomas Novak arrived later and met the press. Mr. Novak left early.\n\n"
            "“It is a disgrace,” she said.")
    entities = [person(text, "Anna Berg", []), person(text, "Tomas Novak", ["governor"])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert (quote.speaker.name, quote.speaker.mention.text) == ("Anna Berg", "she")


@pytest.mark.parametrize("text", [
    "If the candidate is Donald Trump, the answer is no. “I will not release them,” he said.",
    "Donald Trump’s campaign slogan is new. But now he says that “we will win.”",  # named as an owner
])
def test_pronoun_with_no_subject_before_it_takes_the_person_just_named(nlp, text):
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "Donald Trump", [])]) if q.kind != QuoteKind.indirect)
    assert quote.speaker.name == "Donald Trump"


def test_role_no_one_holds_is_the_person_just_before_it(nlp):
    text = "Mike Pence says too much is made of the tweets.\n\nThe Indiana governor said Democrats are to blame."
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "Mike Pence")]) if q.cue.text == "said")
    assert (quote.speaker.name, quote.speaker.mention.text) == ("Mike Pence", "The Indiana governor")


@pytest.mark.parametrize("text", [
    "Mike Pence spoke in Ohio on Friday. The spokesman said the rally was full.",  # speaks for someone else
    "Mike Pence said the senator told him that the bill was dead.",  # governed by Pence's own clause
    "Mike Pence, the governor, spoke on Friday. The senator said the bill was dead.",  # Pence's title rules it out
])
def test_role_is_not_given_to_a_person_who_cannot_hold_it(nlp, text):
    quotes = extract_quotes(nlp(text), [person(text, "Mike Pence", ["governor"] if "the governor" in text else [])])
    speakers = {q.speaker.mention.text.lower(): q.speaker.name for q in quotes if q.speaker.mention}
    assert speakers.get("the spokesman", speakers.get("the senator", "absent")) is None


def test_abbreviated_title_holds_the_role(nlp):
    text = "Sen. Lindsey Graham met donors. Later, the South Carolina senator said the party must change."
    quote = extract_quotes(nlp(text), [person(text, "Lindsey Graham", ["sen."])])[0]
    assert quote.speaker.name == "Lindsey Graham"


def test_role_reaches_the_one_holder_of_a_shorter_title_unless_party_or_place_differ(nlp):
    text = ("Attorney General Eric Schneiderman met Sen. Marco Rubio of Florida. Voters waited outside.\n\n"
            "The New York state attorney general said the charity was not registered.\n\n"
            "The Vermont senator said the race was over.")
    entities = [person(text, "Eric Schneiderman", ["attorney general"]), person(text, "Marco Rubio", ["florida sen."])]
    speakers = {q.speaker.mention.text: q.speaker.name for q in extract_quotes(nlp(text), entities)}
    assert speakers["The New York state attorney general"] == "Eric Schneiderman"
    assert speakers["The Vermont senator"] is None


def test_role_after_an_according_to_sentence_or_a_fragment_is_its_subject(nlp):
    text = ("Ted Cruz has won the Wisconsin primary, according to three television networks.\n\n"
            "The Texas senator said the party was uniting.\n\n"
            "Donald Trump isn't saying much about debate preparation.\n\nBaiting the moderators.\n\n"
            "The Republican presidential nominee said the moderators were unfair.")
    entities = [person(text, "Ted Cruz"), person(text, "Donald Trump")]
    speakers = {q.speaker.mention.text: q.speaker.name for q in extract_quotes(nlp(text), entities) if q.speaker.mention}
    assert speakers["The Texas senator"] == "Ted Cruz"
    assert speakers["The Republican presidential nominee"] == "Donald Trump"


def test_role_in_a_conjoined_clause_is_the_subject_of_the_first(nlp):
    text = "Chris Christie attacked Marco Rubio in the debate, and the New Jersey governor said Rubio was not ready."
    entities = [person(text, "Chris Christie"), person(text, "Marco Rubio")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.cue.text == "said")
    assert (quote.speaker.mention.text, quote.speaker.name) == ("the New Jersey governor", "Chris Christie")


def test_headline_role_reaches_the_holder_the_story_names_first(nlp):
    text = ("Lawmaker urges retaliation on Russia\n\n"
            "Rep. Adam Schiff said the hacking demanded a response. Rep. Debbie Wasserman Schultz was hacked.")
    entities = [person(text, "Adam Schiff", ["rep."]), person(text, "Debbie Wasserman Schultz", ["florida rep."])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.speaker.mention.text == "Lawmaker")
    assert quote.speaker.name == "Adam Schiff"


@pytest.mark.parametrize("text, role, name", [
    ("Connecticut’s tax commissioner says an internal review shows no leak.\n\n"
     "Kevin Sullivan says he instructed staff Monday to check the records.", "Connecticut’s tax commissioner", "Kevin Sullivan"),
    ("Former DNC chairman calls for a contingency plan.\n\nA former DNC chairman says leaders should act now.\n\n"
     "Don Fowler said he expects Clinton to recover.", "Former DNC chairman", "Don Fowler"),
    ("Clinton Hid Past Health Problems From Voters, Former White House Doctor Says.\n\n"
     "Secrecy is nothing new when it comes to her health, the candidate’s former doctor maintains.\n\n"
     "Dr. Connie Mariano said the treatment was kept quiet.", "Former White House Doctor", "Connie Mariano"),
])
def test_role_no_one_holds_is_the_person_the_next_sentence_introduces(nlp, text, role, name):
    quote = next(q for q in extract_quotes(nlp(text), [person(text, name)]) if q.speaker.mention.text == role)
    assert quote.speaker.name == name


@pytest.mark.parametrize("text, expected", [
    ("The question is why it took so long for Ava Berg to use it.\n\nThe former governor said she had waited.",
     "Ava Berg"),
    ("At least that is what the Berg campaign hopes.\n\nThe Democratic nominee said the plan would work.", "Ava Berg"),
    # Named in what someone reported.
    ("The race is expected to grow more combative as Berg tries to regain her footing. "
     "The former governor said the plan would work.", "Ava Berg"),
    # Two people named before: either may be the governor.
    ("The talks between Ava Berg and Ivo Novak ended on Monday.\n\nThe governor said the talks went well.", None),
    # Only Berg is named before, but "he" there is Novak.
    ("Ivo Novak won in Ohio.\n\nBerg's aides were angry after he won by a wide margin.\n\n"
     "The Vermont senator said the race is not over.", None),
    # The stretch before already calls someone the prince, whom the article does not name as a person.
    ("The prince’s stake in Berg’s hotels was documented.\n\nIn December, the prince said Berg should quit.", None),
])
def test_role_no_one_holds_is_the_one_person_named_just_before(nlp, text, expected):
    entities = [person(text, "Ava Berg"), person(text, "Ivo Novak")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.speaker.mention and q.speaker.mention.text.lower().startswith("the"))
    assert quote.speaker.name == expected


@pytest.mark.parametrize("titles, expected", [
    (["ohio gov."], "John Kasich"), (["campaign manager"], None), (["ohio gov.", "running mate"], None),
])
def test_a_party_role_may_be_held_beside_a_public_office_only(nlp, titles, expected):
    text = "John Kasich spoke in Ohio on Friday.\n\nThe candidate said he would win the state."
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "John Kasich", titles)]) if q.cue.text == "said")
    assert quote.speaker.name == expected


def test_role_from_a_place_and_roles_of_a_city_in_that_state(nlp):
    text = ("Ted Cruz endorses Trump.\n\nSenator from Texas says he cannot allow Clinton to win.\n\n"
            "A New York judge has rejected a request to unseal the file. Manhattan Supreme Court Justice Frank Nervo "
            "wrote the ruling. Sen. Mike Lee declined to comment.")
    entities = [person(text, "Ted Cruz", ["sen."]), person(text, "Mike Lee", ["sen."]),
                person(text, "Frank Nervo", ["manhattan supreme court justice"])]
    speakers = {q.speaker.mention.text: q.speaker.name for q in extract_quotes(nlp(text), entities) if q.speaker.mention}
    assert speakers["Senator"] == "Ted Cruz"  # the mention is the head; "from Texas" tells Cruz from Lee
    assert speakers["A New York judge"] == "Frank Nervo"


@pytest.mark.parametrize("text, expected", [
    ("Republican Donald Trump met voters. The GOP nominee complained about his microphone.", "Donald Trump"),
    ("Democrat Hillary Clinton met voters. The GOP nominee complained about his microphone.", None),
    ("Voters met Republican Donald Trump and Republican Mike Pence. The rally was loud. The GOP nominee complained about his "
     "microphone.", None),
])
def test_party_nominee_is_the_one_person_the_article_calls_by_that_party(nlp, text, expected):
    titles = {"Donald Trump": ["republican"], "Hillary Clinton": ["democrat"], "Mike Pence": ["republican"]}
    entities = [person(text, name, titles[name]) for name in titles if name in text]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.speaker.mention.text == "The GOP nominee")
    assert quote.speaker.name == expected


def test_judge_of_another_court_does_not_hold_the_role(nlp):
    text = ("In May, a U.S. District Court judge sided with the Democrats. "
            "Circuit Court Judge David McKeague wrote the ruling that overturned it.")
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "David McKeague", ["circuit court judge"])])
                 if q.speaker.mention.text.endswith("judge"))
    assert quote.speaker.name is None


def test_possessive_pronoun_and_relative_pronoun_after_a_role_reach_the_person(nlp):
    text = ("Scott Reed, the Chamber's chief strategist, who added that the group would spend early, spoke on Monday. "
            "Reed defended his plan to boycott the debate.")
    quotes = extract_quotes(nlp(text), [person(text, "Scott Reed", ["chief strategist"])])
    speakers = {q.speaker.mention.text: q.speaker.name for q in quotes}
    assert (speakers["who"], speakers["his"]) == ("Scott Reed", "Scott Reed")


@pytest.mark.parametrize("text", [
    "Donald Trump regularly incites violence and is a serial liar and birther who has pledged to ban Muslims.",
    "It was Donald Trump who said he would ban Muslims.",
])
def test_relative_pronoun_after_a_predicate_noun_is_its_subject(nlp, text):
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "Donald Trump")]) if q.speaker.mention.text == "who")
    assert quote.speaker.name == "Donald Trump"


def test_role_several_hold_is_the_titled_person_just_before(nlp):
    text = ("Republican presidential candidates Donald Trump and Marco Rubio campaigned. Ted Cruz has taken time away "
            "from campaigning.\n\nThe Republican presidential candidate said he would be back on Saturday.")
    entities = [person(text, "Donald Trump", ["republican presidential candidate"]),
                person(text, "Marco Rubio", ["republican presidential candidate"]), person(text, "Ted Cruz", ["texas sen."])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.cue.text == "said")
    assert quote.speaker.name == "Ted Cruz"


def test_surname_the_entity_stage_left_unmarked_is_the_person(nlp):
    text = "Rep. Pete King spoke on Monday.\n\n“That is not my recollection,” King said."
    king = entity(text, "Pete King", EntityType.person, ["Pete King"])  # "King" alone was read as a title
    quote = next(q for q in extract_quotes(nlp(text), [king]) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == "Pete King"


def test_bare_title_the_parser_coordinates_with_a_name_is_that_name(nlp):
    text = "“He is reprising that role,” said former Pennsylvania Gov. and DNC Chair Ed Rendell."
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "Ed Rendell")]) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == "Ed Rendell"


def test_as_clause_with_its_own_object_is_no_aside(nlp):
    text = ("Bernie Sanders offered some pointed advice to Hillary Clinton on Friday in the upcoming presidential debates "
            "and beyond, as the Democratic nominee looks to shore up support amid sagging poll numbers.")
    assert [q.cue.text for q in extract_quotes(nlp(text), []) if q.cue.text == "looks"] == []


def test_unknown_speaker_is_null_not_guessed(nlp):
    text = "Officials met on Monday. “The talks went well,” a source said."
    quote = extract_quotes(nlp(text), [])[0]
    assert quote.speaker.name is None and quote.speaker.entity is None and quote.speaker.mention.text == "a source"


@pytest.mark.parametrize("text, expected", [
    ("Ivo Novak spoke on Monday.\n\nMy father died of cancer years ago. “I miss him every day,” he said.", None),
    ("Ivo Novak visited the town.\n\nA 29-year-old woman was fined in July. “We will not stop,” she said.", None),
    # A daughter of the person in focus leaves "she" to her mother.
    ("Ava Berg loves the school.\n\nHer daughter likes to sing. “We need the money,” she said.", "Ava Berg"),
])
def test_pronoun_after_an_unnamed_person_of_its_gender_is_null(nlp, text, expected):
    entities = [person(text, "Ivo Novak"), person(text, "Ava Berg")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == expected


def test_pronoun_after_an_unnamed_person_takes_a_person_named_since(nlp):
    # "her husband" names no one, but the story then names the man as a subject, in what police reported.
    text = ("Ava Berg can be heard yelling that her husband was unarmed.\n\n"
            "According to police, officers saw Ivo Novak get out of a car with a handgun. "
            "“He posed a deadly threat,” he said.")
    entities = [person(text, "Ivo Novak"), person(text, "Ava Berg")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == "Ivo Novak"


@pytest.mark.parametrize("text, titles, expected", [
    # A relative the story names by that family noun, and whose owner is the one named.
    ("Reagan's daughter Patti Davis wrote an open letter.\n\nReagan's daughter said: “Not in my name.”",
     {"Patti Davis": ["reagan 's daughter"], "Ronald Reagan": ["president"]}, "Patti Davis"),
    # The father of someone else is not "his father".
    ("Ted Cruz and Marco Rubio spoke. Cruz's father, Rafael Cruz, is a pastor.\n\n"
     "Mr. Rubio grew up in Miami. His father said: “We worked hard.”",
     {"Rafael Cruz": ["father"], "Ted Cruz": [], "Marco Rubio": []}, None),
    # An ex-wife is not the wife the story names.
    ("Alan Grayson and his wife, Dena Grayson, arrived.\n\nThe ex-wife of Alan Grayson said: “He lied.”",
     {"Dena Grayson": ["wife"], "Alan Grayson": []}, None),
])
def test_family_roles_resolve_to_the_named_relative_of_their_owner(nlp, text, titles, expected):
    entities = [person(text, name, title) for name, title in titles.items()]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == expected


def test_occupation_goes_with_a_party_title_but_not_with_the_other_gender(nlp):
    text = ("Hillary Clinton spoke first. Donald Trump charges that donors gave millions.\n\n"
            "The New York businessman says of Clinton, “She will put the office up for sale.”")
    entities = [person(text, "Donald Trump", ["republican"]), person(text, "Hillary Clinton", ["democrat"])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct)
    assert quote.speaker.name == "Donald Trump"


def test_first_lady_is_a_standing_held_beside_an_office(nlp):
    text = ("Former Secretary of State Hillary Clinton spoke in Ohio.\n\n"
            "The former first lady said it was “a mistake” to use private email.")
    entities = [person(text, "Hillary Clinton", ["former secretary of state"])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.partial)
    assert quote.speaker.name == "Hillary Clinton"


def test_person_in_a_relative_clause_is_not_the_role_just_after(nlp):
    text = ("Mr. Clinton spoke first.\n\n"
            "According to papers from Diane Blair, a friend of Mrs. Clinton's who died in 2000, the first lady had "
            "called her “a narcissistic loony toon.”")
    entities = [person(text, "Diane Blair"), entity(text, "Bill Clinton", EntityType.person, ["Mr. Clinton"])]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.partial)
    assert quote.speaker.name is None


def test_role_in_a_clause_hung_on_the_main_clause_is_the_other_person_it_names(nlp):
    text = ("Lindsey Graham has been critical of Donald Trump.\n\n"
            "In June, the senator called on Republicans to unendorse Trump after the billionaire mogul claimed "
            "that a judge was unfit to serve.")
    entities = [person(text, "Lindsey Graham", ["senator"]), person(text, "Donald Trump")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.cue.text == "claimed")
    assert (quote.speaker.mention.text, quote.speaker.name) == ("the billionaire mogul", "Donald Trump")


def test_name_set_off_between_a_description_and_its_verb_is_the_speaker(nlp):
    text = ("Mr. Clarke turned Lenox around.\n\n"
            "His former business partner at Lenox, Lawrence B. Cummings, called him a master. “He made deals,” he said.")
    entities = [person(text, "Tom Clarke"), person(text, "Lawrence B. Cummings")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.indirect)
    assert quote.speaker.name == "Lawrence B. Cummings"


@pytest.mark.parametrize("text", [
    "Jeb Bush brought his brother to the rally.\n\n"
    "“There is no doubt in my mind that Jeb Bush has the character,” the former president told the crowd.",
    "Jeb Bush spoke first.\n\n“Jeb Bush will win,” he said.",
])
def test_pronoun_or_role_is_not_the_person_its_own_quote_names_in_full(nlp, text):
    quote = next(q for q in extract_quotes(nlp(text), [person(text, "Jeb Bush")]) if q.kind == QuoteKind.direct)
    assert quote.speaker.mention is not None and quote.speaker.name is None


def test_manner_of_speaking_verb_is_a_cue(nlp):
    text = "“This is a big year!” Scott's niece, Marcia Price, shouted to the crowd."
    quote = extract_quotes(nlp(text), [person(text, "Marcia Price")])[0]
    assert (quote.cue.text, quote.speaker.name) == ("shouted", "Marcia Price")


def test_nickname_in_a_name_neither_stops_the_cue_nor_is_a_quote(nlp):
    text = ('"This is a big year for Bobby Scott!" Scott\'s niece, state Del. Marcia "Cia" Price (D-Newport News), '
            'shouted to the crowd.')
    entities = [person(text, "Bobby Scott"), entity(text, "D-Newport News", EntityType.location, ["D-Newport News"]),
                entity(text, "Marcia Price", EntityType.person, ['Marcia "Cia" Price'])]
    quotes = extract_quotes(nlp(text), entities)
    assert [(q.text, q.cue.text, q.speaker.name) for q in quotes if q.kind != QuoteKind.indirect] == [
        ("This is a big year for Bobby Scott!", "shouted", "Marcia Price")]


def test_role_in_someone_elses_report_is_not_the_person_just_before(nlp):
    # "the mogul" is what party leaders say: not the committeeman who spoke last, but the one other person named.
    text = ("“We will be fair,” John Hammond, a party committeeman, said.\n\n"
            "One bastion of Trump support is the 1st District, where local party leaders say the mogul has shown strength.")
    entities = [person(text, "John Hammond", ["party committeeman"]), person(text, "Trump")]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.speaker.mention and q.speaker.mention.text == "the mogul")
    assert quote.speaker.name == "Trump"


@pytest.mark.parametrize("text", [
    # The one person a report's reporter speaks for, among others who may be "the candidate".
    "Jeb Bush's donors met Donald Trump.\n\n"
    "Trump campaign manager Corey Lewandowski said that the candidate believes his stance is right.",
    # Without one, the one other person named around who may hold the role.
    "Paul Manafort became chairman of Donald Trump's campaign.\n\n"
    "Paul Manafort told friends that the candidate knew all about his work.",
])
def test_role_in_a_report_is_the_person_the_reporter_speaks_of(nlp, text):
    entities = [person(text, "Donald Trump"), person(text, "Paul Manafort", ["chairman"]),
                person(text, "Corey Lewandowski"), person(text, "Jeb Bush")]
    entities = [e for e in entities if e.mentions]
    quote = next(q for q in extract_quotes(nlp(text), entities) if q.speaker.mention and q.speaker.mention.text == "the candidate")
    assert quote.speaker.name == "Donald Trump"


def test_comments_signed_after_a_dash_each_take_their_signer(nlp):
    # Reader comments as a story prints them: one per line, signed after a dash (any dash, any space), and one
    # opened with a closing mark.
    text = ("Readers wrote in after the debate.\n\n"
            "”He is very confident of himself. He said it over and over.” ― Ana Cruz\n"
            "“I am so ashamed.”―\u00a0Ivo Novak.\n"
            "“It was a fiasco.” - Ava Berg")
    entities = [person(text, "Ana Cruz"), person(text, "Ivo Novak"), person(text, "Ava Berg")]
    quotes = [q for q in extract_quotes(nlp(text), entities) if q.kind == QuoteKind.direct]
    assert [(q.text[:12], q.speaker.name, q.speaker.mention.text) for q in quotes] == [
        ("He is very c", "Ana Cruz", "Ana Cruz"), ("I am so asha", "Ivo Novak", "Ivo Novak"),
        ("It was a fia", "Ava Berg", "Ava Berg")]


def test_scare_quotes_are_dropped_but_cued_partial_quotes_kept(nlp):
    text = "The so-called “experts” met on Monday. The mayor said the plan was “dead on arrival” and left."
    quotes = [q for q in extract_quotes(nlp(text), []) if q.kind != QuoteKind.indirect]
    assert [(q.text, q.kind) for q in quotes] == [("dead on arrival", QuoteKind.partial)]


def test_organisation_speaker(nlp):
    text = "The Kremlin denied any role in the attack, and the ministry said it was “a provocation.”"
    kremlin = entity(text, "Kremlin", EntityType.organisation, ["Kremlin"])
    denial = next(q for q in extract_quotes(nlp(text), [kremlin]) if q.cue.text == "denied")
    assert (denial.kind, denial.speaker.name) == (QuoteKind.indirect, "Kremlin") and denial.text.startswith("any role")


def test_archive_two_apostrophe_marks_and_blank_lines_between_paragraphs(nlp):
    text = "''We will appeal,'' Mr. Ruiz said. ''The ruling ignores the record.\n\n''And the judge knows it.''"
    quotes = extract_quotes(nlp(text), [person(text, "Carlos Ruiz")])
    assert [q.text for q in quotes] == ["We will appeal,", "The ruling ignores the record.", "And the judge knows it."]
    assert [q.speaker.name for q in quotes] == ["Carlos Ruiz"] * 3


def test_question_quote_keeps_the_cue_after_it(nlp):
    text = "“Who do they think they are?” Trump said of the company."
    quote = extract_quotes(nlp(text), [person(text, "Donald Trump")])[0]
    assert (quote.text, quote.cue.text, quote.speaker.name) == ("Who do they think they are?", "said", "Donald Trump")


@pytest.mark.parametrize("text, cue, content, speaker", [
    # A belief with a that-clause: PolNeAR attributes beliefs as well as speech.
    ("Senator Ann Lee believes that the bill will pass.", "believes", "that the bill will pass", "Ann Lee"),
    # A passive cue with an infinitive: expected by no one named.
    ("The bill is expected to pass the Senate next week.", "expected", "to pass the Senate next week", None),
    # A cue noun with its possessor as the speaker.
    ("Ann Lee's claim that the bill will pass surprised her colleagues.", "claim", "that the bill will pass", "Ann Lee"),
    # A cue noun with a preposition; its possessive pronoun is the speaker.
    ("Ann Lee sharpened her criticism of the governor on Monday.", "criticism", "the governor", "Ann Lee"),
    # An impression names no source: the subject is what is reported on.
    ("Ann Lee appeared to be winning the race.", "appeared", "to be winning the race", None),
    # A clause the writer appends after a comma is not part of what was said.
    ("Ann Lee said the bill would pass, which surprised her colleagues.", "said", "the bill would pass", "Ann Lee"),
    # A cue standing aside from the clause it reports.
    ("As Ann Lee reported, the plant closed in May.", "reported", "the plant closed in May", "Ann Lee"),
    ("The plant reportedly closed in May.", "reportedly", "The plant reportedly closed in May", None),
    # A headline naming its source before a colon.
    ("Ann Lee: The Bill Will Pass.\nThe senator spoke on Monday.", ":", "The Bill Will Pass", "Ann Lee"),
    # An infinitive under a verb like "ask" is what its object does, even with a day the parser takes for one.
    ("Ivo Novak asked Ann Lee to explain her plan.", "explain", "her plan", "Ann Lee"),
    ("Ivo Novak on Wednesday called on Ann Lee to explain her plan.", "explain", "her plan", "Ann Lee"),
])
def test_indirect_constructions(nlp, text, cue, content, speaker):
    lee = person(text, "Ann Lee")
    indirect = [q for q in extract_quotes(nlp(text), [lee]) if q.kind == QuoteKind.indirect and q.cue.text == cue]
    assert [q.text for q in indirect] == [content]
    assert indirect[0].speaker.name == speaker


def test_participle_after_a_cue_noun_is_not_its_content(nlp):
    text = "Senators rejected a plan endorsed by the governor."
    assert not [q for q in extract_quotes(nlp(text), []) if q.cue is not None and q.cue.text == "plan"]
