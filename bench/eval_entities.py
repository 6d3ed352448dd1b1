"""CoNLL-2003 English NER: P/R/F1 of PER, ORG, LOC (MISC excluded) for raw spaCy (full pipeline) and the entity stage, side by side on the same tokens, per model. Run: python -m bench.eval_entities [--split testb|testa] [--limit DOCS] [--model NAME_OR_PATH ...]"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402
from spacy.tokens import Doc  # noqa: E402

from pipeline.entities import REQUIRES, extract_entities  # noqa: E402
from pipeline.models import EntityType  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402

SCORED = ("PER", "ORG", "LOC")
# How spaCy's OntoNotes labels map to CoNLL types. NORP, EVENT, WORK_OF_ART, LAW, PRODUCT and LANGUAGE
# would be MISC, which is not scored; FAC (buildings, airports) counts as a place for both systems.
RAW_LABELS = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC"}
STAGE_TYPES = {EntityType.person: "PER", EntityType.organisation: "ORG", EntityType.location: "LOC"}

Spans = set[tuple[int, int, str]]


def eval_dir() -> Path:
    return Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


def read_conll(path: Path) -> list[list[list[tuple[str, str]]]]:
    """Documents (split at -DOCSTART-) of sentences of (word, IOB1 tag)."""
    documents: list[list[list[tuple[str, str]]]] = []
    sentence: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if line.startswith("-DOCSTART-"):
            documents.append([])
        elif not line.strip():
            if sentence:
                documents[-1].append(sentence)
            sentence = []
        else:
            columns = line.split()
            sentence.append((columns[0], columns[-1]))
    return [document for document in documents if document]


def gold_spans(tags: list[str]) -> Spans:
    """Entity spans of IOB1 tags: I-X continues a same-type entity, B-X starts a new one next to it."""
    spans: Spans = set()
    start, kind = None, None
    for index, tag in enumerate(tags + ["O"]):
        prefix, _, tag_kind = tag.partition("-")
        if start is not None and (tag == "O" or tag_kind != kind or prefix == "B"):
            spans.add((start, index, kind))
            start, kind = None, None
        if tag != "O" and start is None:
            start, kind = index, tag_kind
    return {span for span in spans if span[2] in SCORED}


def conll_doc(nlp: spacy.Language, document: list[list[tuple[str, str]]]) -> tuple[Doc, list[str]]:
    """A spaCy Doc of the CoNLL tokens (one space between words, CoNLL sentence starts) and the gold tags."""
    words = [word for sentence in document for word, _ in sentence]
    tags = [tag for sentence in document for _, tag in sentence]
    sent_starts = [index == 0 for sentence in document for index in range(len(sentence))]
    return Doc(nlp.vocab, words=words, sent_starts=sent_starts), tags


def raw_spans(doc: Doc) -> Spans:
    return {(ent.start, ent.end, RAW_LABELS[ent.label_]) for ent in doc.ents if ent.label_ in RAW_LABELS}


def stage_spans(doc: Doc) -> Spans:
    spans: Spans = set()
    for entity in extract_entities(doc):
        if entity.type in STAGE_TYPES:
            for mention in entity.mentions:
                tokens = doc.char_span(mention.start, mention.end)
                spans.add((tokens.start, tokens.end, STAGE_TYPES[entity.type]))
    return spans


def count(gold: Spans, predicted: Spans, counts: Counter[tuple[str, str]]) -> None:
    for kind in SCORED:
        gold_kind = {span for span in gold if span[2] == kind}
        predicted_kind = {span for span in predicted if span[2] == kind}
        counts[kind, "tp"] += len(gold_kind & predicted_kind)
        counts[kind, "fp"] += len(predicted_kind - gold_kind)
        counts[kind, "fn"] += len(gold_kind - predicted_kind)


def scores(counts: Counter[tuple[str, str]], kinds: Iterable[str]) -> tuple[float, float, float]:
    tp, fp, fn = (sum(counts[kind, part] for kind in kinds) for part in ("tp", "fp", "fn"))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def evaluate(split: str, limit: int | None, model: str) -> None:
    raw_nlp = spacy.load(model)  # the full pipeline as shipped
    stage_nlp = load_nlp(model, REQUIRES)
    documents = read_conll(eval_dir() / "conll2003" / f"eng.{split}")[:limit]
    raw_counts: Counter[tuple[str, str]] = Counter()
    stage_counts: Counter[tuple[str, str]] = Counter()
    started = time.perf_counter()
    for document in documents:
        doc, tags = conll_doc(raw_nlp, document)
        gold = gold_spans(tags)
        count(gold, raw_spans(raw_nlp(doc)), raw_counts)
        doc, _ = conll_doc(stage_nlp, document)
        count(gold, stage_spans(stage_nlp(doc)), stage_counts)
    tokens = sum(len(sentence) for document in documents for sentence in document)
    print(f"\nCoNLL-2003 eng.{split}: {len(documents)} documents, {tokens} tokens, model {model}, "
          f"{time.perf_counter() - started:.0f}s")
    print(f"{'type':<6}| {'raw P':>6} {'raw R':>6} {'raw F1':>6} | "
          f"{'stage P':>7} {'stage R':>7} {'stage F1':>8} | {'ΔF1':>6}")
    for name, kinds in [*((kind, (kind,)) for kind in SCORED), ("micro", SCORED)]:
        raw, stage = scores(raw_counts, kinds), scores(stage_counts, kinds)
        print(f"{name:<6}| {raw[0]:6.3f} {raw[1]:6.3f} {raw[2]:6.3f} | {stage[0]:7.3f} {stage[1]:7.3f} {stage[2]:8.3f} "
              f"| {100 * (stage[2] - raw[2]):+6.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", choices=["testb", "testa", "both"], default="both",
                        help="testb is the test set; testa the development set")
    parser.add_argument("--limit", type=int, default=None, help="only the first LIMIT documents (a quick run: 40)")
    parser.add_argument("--model", action="append", help="spaCy package name or path, repeat to compare models "
                        "(default: the configured NEWSWIRE_SPACY_MODEL)")
    arguments = parser.parse_args()
    if not (eval_dir() / "conll2003").is_dir():
        sys.exit(f"CoNLL-2003 not found under {eval_dir()} (set NEWSWIRE_EVAL_DIR)")
    for model in arguments.model or [get_settings().spacy_model]:
        for split in (["testb", "testa"] if arguments.split == "both" else [arguments.split]):
            evaluate(split, arguments.limit, model)


if __name__ == "__main__":
    main()
