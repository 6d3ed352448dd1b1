"""The entity stage on the hand-repaired seed, on small texts, and (when the data is there) on CoNLL-2003."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import spacy

from pipeline.entities import REQUIRES, Mention, cluster_mentions, describe, explain_entities, extract_entities
from pipeline.models import Entity, EntityType
from pipeline.nlp import load_nlp
from pipeline.settings import get_settings

SEED = Path(__file__).parents[1] / "fixtures" / "seed.repaired.txt"
SEED_PEOPLE = {"JD Vance", "Pete Hegseth", "Vladimir Putin", "Donald Trump", "Mark Toth", "Volodymyr Zelensky",
               "Dmitry Peskov"}


def nlp_for(required: frozenset[str] = REQUIRES) -> spacy.Language:
    return load_nlp(get_settings().spacy_model, required)


@pytest.fixture(scope="module")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_entities(seed_text: str) -> list[Entity]:
    return extract_entities(nlp_for()(seed_text))


def by_name(entities: list[Entity]) -> dict[str, Entity]:
    return {entity.name: entity for entity in entities}


def test_seed_people_are_exactly_the_seven(seed_entities: list[Entity]) -> None:
    people = {entity.name for entity in seed_entities if entity.type == EntityType.person}
    assert people == SEED_PEOPLE


def test_seed_every_surname_occurrence_is_attached_to_its_person(seed_text: str, seed_entities: list[Entity]) -> None:
    people = [entity for entity in seed_entities if entity.type == EntityType.person]
    other_names = [(m.start, m.end) for e in seed_entities if e.type != EntityType.person for m in e.mentions]
    for person in people:
        surname = person.name.split()[-1]
        covered = [(mention.start, mention.end) for mention in person.mentions]
        for found in re.finditer(rf"\b{surname}\b", seed_text):
            inside = [span for span in covered + other_names if span[0] <= found.start() and found.end() <= span[1]]
            assert inside, f"{surname} at {found.start()} is not attached to {person.name}"
        assert person.mention_count == len(person.mentions) == len(set(covered))


def test_seed_surname_only_mentions_are_aliases_of_the_full_name(seed_entities: list[Entity]) -> None:
    people = by_name(seed_entities)
    assert "Toth" in people["Mark Toth"].aliases
    assert "Trump" in people["Donald Trump"].aliases
    assert people["JD Vance"].mention_count >= 4  # "JD Vance" and three "Vance", two of them tagged ORG by the model


def test_seed_titles_are_attached_in_lower_case(seed_entities: list[Entity]) -> None:
    people = by_name(seed_entities)
    assert "vice president" in people["JD Vance"].titles
    assert "defense secretary" in people["Pete Hegseth"].titles
    assert "kremlin spokesman" in people["Dmitry Peskov"].titles
    assert "ukrainian president" in people["Volodymyr Zelensky"].titles
    assert "russian president" in people["Vladimir Putin"].titles
    assert "president" in people["Donald Trump"].titles
    assert "economist" in people["Mark Toth"].titles


def test_seed_places_and_organisations_are_typed(seed_entities: list[Entity]) -> None:
    entities = by_name(seed_entities)
    for place in ("Kyiv", "Moscow", "Ukraine", "Russia", "Brussels", "Indo-Pacific", "Eastern Europe"):
        assert entities[place].type == EntityType.location, place
    for organisation in ("The Daily Beast", "Wall Street Journal", "NATO", "Kremlin", "White House"):
        assert entities[organisation].type == EntityType.organisation, organisation
    iaea = entities["International Atomic Energy Agency"]
    assert "IAEA" in iaea.aliases and iaea.mention_count == 2
    assert not {"Defense", "war’—or"} & set(entities)  # a title word and a model fragment are no entities


def test_seed_mentions_index_the_text(seed_text: str, seed_entities: list[Entity]) -> None:
    for entity in seed_entities:
        for mention in entity.mentions:
            assert seed_text[mention.start:mention.end] == mention.text
        assert entity.id == f"{entity.type.value}:{entity.id.split(':', 1)[1]}"
    assert len({entity.id for entity in seed_entities}) == len(seed_entities)


def test_seed_people_are_the_same_when_the_parser_sets_sentences(seed_text: str, seed_entities: list[Entity]) -> None:
    """The enrich step may run the parser (for quotes) instead of senter: same people, same mentions."""
    with_parser = extract_entities(nlp_for(REQUIRES | {"parser"})(seed_text))
    people = {e.id: e.mentions for e in seed_entities if e.type == EntityType.person}
    assert {e.id: e.mentions for e in with_parser if e.type == EntityType.person} == people


def test_ids_are_stable_across_articles() -> None:
    nlp = nlp_for()
    first = extract_entities(nlp("President Donald Trump spoke in Kyiv. Trump left."))
    second = extract_entities(nlp("Donald Trump said he would call the Kremlin."))
    assert "person:donald-trump" in {e.id for e in first} & {e.id for e in second}


def test_explanation_names_the_steps_that_changed_the_seed(seed_text: str) -> None:
    explanation = explain_entities(nlp_for()(seed_text))
    assert "retype_known_names: 'Kyiv' PERSON -> GPE" in explanation
    assert any(line.startswith("unify_labels: 'Vance' ORG -> PERSON") for line in explanation)


def test_people_sharing_a_surname_stay_apart() -> None:
    doc = spacy.blank("en")("Joe Biden met his son Hunter Biden . Biden said")
    mentions = [Mention(0, 2, "PERSON"), Mention(5, 7, "PERSON"), Mention(8, 9, "PERSON")]
    clusters = [describe(doc, cluster) for cluster in cluster_mentions(doc, mentions)]
    assert clusters == [["Joe Biden PERSON", "Biden PERSON"], ["Hunter Biden PERSON"]]  # the one named first


def test_acronym_and_company_short_name_join_their_full_names() -> None:
    doc = spacy.blank("en")("Magna International Inc and the World Health Organization ( WHO ) . Magna")
    mentions = [Mention(0, 3, "ORG"), Mention(5, 8, "ORG"), Mention(9, 10, "ORG"), Mention(12, 13, "ORG")]
    clusters = [describe(doc, cluster) for cluster in cluster_mentions(doc, mentions)]
    assert clusters == [["Magna International Inc ORG", "Magna ORG"],
                        ["World Health Organization ORG", "WHO ORG"]]


def test_dateline_place_and_headline_capitals() -> None:
    nlp = nlp_for()
    entities = by_name(extract_entities(nlp("TAVILDARA, Tajikistan 1996-08-30\n\nRebels held Tavildara on Friday.")))
    assert entities["TAVILDARA"].type == EntityType.location
    assert "Tavildara" in entities["TAVILDARA"].aliases


def test_headline_words_are_not_glued_to_names() -> None:
    """A Title-Case headline shows no name boundaries: its people are named as running text names them."""
    text = ("Crooked Hillary Clinton Rips Trump Over Taxes, Obama Says He Will Veto Bill.\n\n"
            "Hillary Clinton criticised Donald Trump on Monday, and President Barack Obama said he would veto "
            "the bill.")
    people = {e.name: e for e in extract_entities(nlp_for()(text)) if e.type == EntityType.person}
    assert set(people) == {"Hillary Clinton", "Donald Trump", "Barack Obama"}
    assert people["Hillary Clinton"].mentions[0].text == "Hillary Clinton"
    assert people["Hillary Clinton"].mentions[0].start == text.index("Hillary")  # the headline mention, trimmed


def test_possessive_ends_a_persons_name() -> None:
    entities = extract_entities(nlp_for()("Trump’s Supporters cheered when Donald Trump spoke in Ohio on Monday."))
    assert {e.name for e in entities if e.type == EntityType.person} == {"Donald Trump"}


def test_organisation_named_after_a_person_is_not_that_person() -> None:
    text = ("Bill Clinton praised the Clinton Global Initiative, and the Obama White House agreed with the "
            "Trump Administration.")
    entities = by_name(extract_entities(nlp_for()(text)))
    for organisation in ("Clinton Global Initiative", "Obama White House", "Trump Administration"):
        assert entities[organisation].type == EntityType.organisation, organisation
    assert [m.text for m in entities["Bill Clinton"].mentions] == ["Bill Clinton"]


@pytest.mark.eval
def test_stage_beats_raw_spacy_on_conll_dev_sample() -> None:
    from bench import eval_entities

    data = eval_entities.eval_dir() / "conll2003" / "eng.testa"
    if not data.is_file():
        pytest.skip(f"CoNLL-2003 not found at {data} (set NEWSWIRE_EVAL_DIR)")
    raw_nlp, stage_nlp = spacy.load(get_settings().spacy_model), nlp_for()
    raw, stage = eval_entities.Counter(), eval_entities.Counter()
    for document in eval_entities.read_conll(data)[:25]:
        doc, tags = eval_entities.conll_doc(raw_nlp, document)
        gold = eval_entities.gold_spans(tags)
        eval_entities.count(gold, eval_entities.raw_spans(raw_nlp(doc)), raw)
        eval_entities.count(gold, eval_entities.stage_spans(stage_nlp(doc)), stage)
    assert eval_entities.scores(stage, eval_entities.SCORED)[2] > eval_entities.scores(raw, eval_entities.SCORED)[2]
    assert eval_entities.scores(stage, ("PER",))[0] > eval_entities.scores(raw, ("PER",))[0]


def test_iob1_gold_spans_split_adjacent_entities_at_b_tags() -> None:
    from bench.eval_entities import gold_spans

    tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-MISC", "I-ORG"]
    assert gold_spans(tags) == {(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (6, 7, "ORG")}
