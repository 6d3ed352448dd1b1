"""Person canonical names glued to neighbouring words on PolNeAR articles ("Obama Says", "Crooked Hillary Clinton"), counted and listed. Run: python -m bench.diag_entity_names [--split train] [--limit ARTICLES] [--show N]"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from spacy.tokens import Doc  # noqa: E402

from pipeline.entities import REQUIRES, extract_entities  # noqa: E402
from pipeline.models import Entity, EntityType  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402

WORD = re.compile(r"\w[\w’'-]*")
# The checks a name word may fail, and what each means: surface tests, independent of the stage's own rules.
# They also flag good names whose words are common words too ("Bill" of "Bill Clinton"): read the list.
CHECKS = {
    "never elsewhere": "the word occurs outside every name of the article, and no other mention of this person "
                       "holds it",
    "headline only": "no mention of this person after the article's first line (its headline) holds the word",
    "glued right": "a mention of this person is followed by a Title-Case word in the same sentence "
                   "(\"Trump Administration\")",
}


def eval_dir() -> Path:
    return Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


def name_word_failures(doc: Doc, person: Entity, entities: list[Entity]) -> dict[str, list[str]]:
    """For each check, the words of the person's canonical name (or the glued neighbours) that fail it."""
    headline_end = doc.text.find("\n") if "\n" in doc.text else len(doc.text)
    named = [(mention.start, mention.end) for entity in entities for mention in entity.mentions]
    body_words = {word.lower() for mention in person.mentions if mention.start > headline_end
                  for word in WORD.findall(mention.text)}
    failures: dict[str, list[str]] = {check: [] for check in CHECKS}
    for word in WORD.findall(person.name):
        if len(word) < 2 or word.endswith("."):  # initials say nothing either way
            continue
        occurrences = [found.start() for found in re.finditer(rf"(?<!\w){re.escape(word)}(?!\w)", doc.text, re.I)]
        outside = [start for start in occurrences if not any(begin <= start < end for begin, end in named)]
        in_other_forms = [mention for mention in person.mentions if mention.text != person.name
                          and word.lower() in (found.lower() for found in WORD.findall(mention.text))]
        if outside and not in_other_forms:
            failures["never elsewhere"].append(word)
        if body_words and word.lower() not in body_words:
            failures["headline only"].append(word)
    for mention in person.mentions:
        after = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if after is not None and after.end < len(doc):
            following = doc[after.end]
            if (following.is_title and following.is_alpha and not following.is_sent_start
                    and following.idx == mention.end + 1 and mention.start > headline_end):
                failures["glued right"].append(f"{mention.text} {following.text}")
    return {check: words for check, words in failures.items() if words}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["train", "dev"], default="train")
    parser.add_argument("--limit", type=int, default=200, help="articles, every 4th of the split (a quick run: 50)")
    parser.add_argument("--show", type=int, default=40, help="list this many flagged names")
    arguments = parser.parse_args()
    folder = eval_dir() / "polnear" / "data" / arguments.split / "text"
    if not folder.is_dir():
        sys.exit(f"PolNeAR not found under {folder} (set NEWSWIRE_EVAL_DIR)")
    paths = sorted(folder.glob("*.txt"))[::4][:arguments.limit]
    nlp = load_nlp(get_settings().spacy_model, REQUIRES)
    started = time.perf_counter()
    people = 0
    flagged: Counter[str] = Counter()
    examples: list[str] = []
    for path in paths:
        doc = nlp(path.read_text(encoding="utf-8"))
        entities = extract_entities(doc)
        for person in entities:
            if person.type != EntityType.person:
                continue
            people += 1
            failures = name_word_failures(doc, person, entities)
            for check in failures:
                flagged[check] += 1
            if failures:
                flagged["any"] += 1
                examples.append(f"{path.stem[:40]:<40} {person.name!r}: "
                                + "; ".join(f"{check}: {', '.join(words)}" for check, words in failures.items()))
    print(f"\nPolNeAR {arguments.split}: {len(paths)} articles, {people} people, model {get_settings().spacy_model}, "
          f"{time.perf_counter() - started:.0f}s")
    print(f"{'check':<16}| {'people flagged':>14} | meaning")
    for check, meaning in [*CHECKS.items(), ("any", "at least one of the above")]:
        print(f"{check:<16}| {flagged[check]:>14} | {meaning}")
    for line in examples[:arguments.show]:
        print(line)


if __name__ == "__main__":
    main()
