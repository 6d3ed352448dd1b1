"""Quote stage accuracy on PolNeAR (quote F1 at char overlap, indirect recall, speaker accuracy, name-level speakers), textacy side by side. Run: python -m bench.eval_quotes [--split dev] [--limit ARTICLES] [--show-resolutions 20]"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import spacy  # noqa: E402

from pipeline.entities import REQUIRES as ENTITY_REQUIRES, extract_entities  # noqa: E402
from pipeline.models import EntityType, Quote, QuoteKind  # noqa: E402
from pipeline.nlp import load_nlp  # noqa: E402
from pipeline.entity_gazetteer import title_words  # noqa: E402
from pipeline.quote_speakers import PERSON_PRONOUNS, RELATIVE_PRONOUNS, ROLE_SYNONYMS  # noqa: E402
from pipeline.quotes import REQUIRES, extract_quotes  # noqa: E402
from pipeline.settings import get_settings  # noqa: E402

QUOTE_MARKS = "“”\"„«»‟″"
# A double-quoted stretch inside a mixed attribution's content: the words PolNeAR's annotators saw quoted.
QUOTED_FRAGMENT = re.compile(r"(?:[“\"„«]|'')((?:(?!'')[^“”\"„«»])+)(?:[”\"»]|'')")
OTHER_PRONOUNS = frozenset({"they", "it", "we", "i", "them", "you", "its", "their", "our", "my", "your"})
TITLE_HEADS = title_words()["head"] | set(ROLE_SYNONYMS.values())


def eval_dir() -> Path:
    return Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))


@dataclass
class Unit:
    """A stretch to score: its characters (a set, since PolNeAR spans may be discontinuous) and its speaker's."""

    chars: frozenset[int]
    speaker: frozenset[int] = frozenset()
    label: str = ""


def span_chars(text: str, spans: list[tuple[int, int]]) -> frozenset[int]:
    """Characters of `spans`, without quote marks (and the '' pair at the edges) and whitespace, so marks
    in or out do not count."""
    chars = set()
    for start, end in spans:
        while start < end and (text[start] in QUOTE_MARKS + "'" or text[start].isspace()):
            start += 1
        while end > start and (text[end - 1] in QUOTE_MARKS + "'" or text[end - 1].isspace()):
            end -= 1
        chars.update(i for i in range(start, end) if text[i] not in QUOTE_MARKS and not text[i].isspace())
    return frozenset(chars)


def quote_type(row: dict) -> str:
    """PolNeAR's type, with the '' marks of some archives read as double quote marks, as the README defines
    (direct: the content starts and ends with one; mixed: it holds a quoted part): the derived file has
    them as indirect."""
    content = row["content"]["text"].strip()
    if row["quote_type"] != "indirect" or not QUOTED_FRAGMENT.search(content):
        return row["quote_type"]
    return "direct" if content.startswith("''") and content.endswith("''") else "mixed"


def load_split(split: str, limit: int | None, sample_seed: int | None) -> list[tuple[str, str, list[dict]]]:
    """(doc name, text, gold attributions) per article, from one annotator file per article (the first in name order)."""
    root = eval_dir() / "polnear"
    by_file: dict[str, list[dict]] = defaultdict(list)
    for line in (root / "derived" / f"{split}.attributions.jsonl").open(encoding="utf-8"):
        row = json.loads(line)
        by_file[row["ann_file"]].append(row)
    chosen: dict[str, str] = {}
    for ann_file in sorted(by_file):
        chosen.setdefault(by_file[ann_file][0]["doc"], ann_file)
    names = sorted(chosen)
    if sample_seed is not None:
        random.Random(sample_seed).shuffle(names)
    names = names[:limit] if limit else names
    return [(name, (root / "data" / split / "text" / f"{name}.txt").read_text(encoding="utf-8"), by_file[chosen[name]]) for name in names]


def gold_units(text: str, rows: list[dict]) -> tuple[list[Unit], list[Unit]]:
    """Quote units (direct content; the quoted fragments of mixed content) and indirect content units."""
    quotes, indirect = [], []
    for row in rows:
        if not row.get("content"):
            continue
        source = span_chars(text, [tuple(s) for s in row["source"]["spans"]]) if row.get("source") else frozenset()
        spans = [tuple(s) for s in row["content"]["spans"]]
        kind = quote_type(row)
        if kind == "direct":
            quotes.append(Unit(span_chars(text, spans), source, "direct"))
        elif kind == "mixed":
            for start, end in spans:
                for fragment in QUOTED_FRAGMENT.finditer(text, start, end):
                    quotes.append(Unit(span_chars(text, [fragment.span(1)]), source, "mixed"))
        else:
            indirect.append(Unit(span_chars(text, spans), source, "indirect"))
    return [u for u in quotes if u.chars], [u for u in indirect if u.chars]


def overlap(a: frozenset[int], b: frozenset[int]) -> float:
    """Shared characters over the longer of the two: both must cover that share of the other."""
    return len(a & b) / max(len(a), len(b), 1)


def match_one_to_one(predicted: list[Unit], gold: list[Unit], threshold: float) -> list[tuple[Unit, Unit]]:
    """Pairs of one prediction and one gold unit, best overlaps first, each at least `threshold`."""
    candidates = sorted(((overlap(p.chars, g.chars), i, j) for i, p in enumerate(predicted) for j, g in enumerate(gold)), reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for score, i, j in candidates:
        if score < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i), used_g.add(j), pairs.append((predicted[i], gold[j]))
    return pairs


def coverage_counts(predicted: list[Unit], gold: list[Unit], threshold: float) -> tuple[int, int]:
    """Predictions covered by the gold quotes together, and gold quotes covered by the predictions together."""
    gold_all = frozenset().union(*(g.chars for g in gold))
    predicted_all = frozenset().union(*(p.chars for p in predicted))
    covered_p = sum(len(p.chars & gold_all) / len(p.chars) >= threshold for p in predicted)
    covered_g = sum(len(g.chars & predicted_all) / len(g.chars) >= threshold for g in gold)
    return covered_p, covered_g


def prf(tp_p: int, n_p: int, tp_g: int, n_g: int) -> tuple[float, float, float]:
    precision, recall = tp_p / max(n_p, 1), tp_g / max(n_g, 1)
    return precision, recall, 2 * precision * recall / max(precision + recall, 1e-9)


def our_units(text: str, quotes: list[Quote]) -> tuple[list[Unit], list[Unit]]:
    def unit(q: Quote) -> Unit:
        mention = q.speaker.mention
        speaker = frozenset(range(mention.start, mention.end)) if mention else frozenset()
        return Unit(span_chars(text, [(q.start, q.end)]), speaker, q.kind.value)
    quoted = [unit(q) for q in quotes if q.kind != QuoteKind.indirect]
    return [u for u in quoted if u.chars], [unit(q) for q in quotes if q.kind == QuoteKind.indirect]


def textacy_units(text: str, doc: spacy.tokens.Doc) -> list[Unit]:
    from textacy.extract.triples import direct_quotations

    units = []
    try:
        triples = list(direct_quotations(doc))
    except ValueError:  # textacy refuses an article with an odd number of quote marks: it finds nothing there
        return []
    for triple in triples:
        content = (triple.content[0].idx, triple.content[-1].idx + len(triple.content[-1]))
        speaker = frozenset(i for t in triple.speaker for i in range(t.idx, t.idx + len(t)))
        unit = Unit(span_chars(text, [content]), speaker)
        units.extend([unit] if unit.chars else [])
    return units


class Tally:
    """Counts of one system over all articles."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = defaultdict(int)

    def add_quotes(self, predicted: list[Unit], gold: list[Unit]) -> None:
        c = self.counts
        c["pred"] += len(predicted)
        c["gold"] += len(gold)
        for threshold in (0.8, 0.3):
            c[f"tp{threshold}"] += len(match_one_to_one(predicted, gold, threshold))
            covered_p, covered_g = coverage_counts(predicted, gold, threshold)
            c[f"cov_p{threshold}"] += covered_p
            c[f"cov_g{threshold}"] += covered_g
        self.add_speakers("quote", predicted, gold)

    def add_speakers(self, key: str, predicted: list[Unit], gold: list[Unit]) -> None:
        """Speaker accuracy over the gold units matched (overlap >= 0.3): does the predicted mention touch the gold source?"""
        pairs = [(p, g) for p, g in match_one_to_one(predicted, gold, 0.3) if g.speaker]
        self.counts[f"{key}_speaker_pairs"] += len(pairs)
        self.counts[f"{key}_speaker_ok"] += sum(bool(p.speaker & g.speaker) for p, g in pairs)

    def add_indirect(self, predicted: list[Unit], gold: list[Unit], all_gold: list[Unit]) -> None:
        c = self.counts
        c["ind_gold"] += len(gold)
        c["ind_pred"] += len(predicted)
        for threshold in (0.5, 0.3):
            c[f"ind_recalled{threshold}"] += sum(any(overlap(p.chars, g.chars) >= threshold for p in predicted) for g in gold)
        c["ind_correct0.5"] += sum(any(overlap(p.chars, g.chars) >= 0.5 for g in all_gold) for p in predicted)
        self.add_speakers("indirect", predicted, gold)


def speaker_form(doc: spacy.tokens.Doc, mention, mentioned: bytearray) -> str:
    """How a speaker is written: a name, a pronoun of a person, a relative pronoun, a role of one person or of a
    group (its head is a title word: "the Vermont senator", "experts"), another description, or another pronoun."""
    words = mention.text.lower()
    head = doc.char_span(mention.start, mention.end, alignment_mode="expand")[-1]
    if words in PERSON_PRONOUNS:
        return "he/she/his/her"
    if words in RELATIVE_PRONOUNS:
        return "who/that/which"
    if words in OTHER_PRONOUNS:
        return "they/it/we/I"
    if mentioned[head.idx]:
        return "name"
    if ROLE_SYNONYMS.get(head.lower_, head.lower_) in TITLE_HEADS:  # the title list holds singular nouns
        return "role, one person"
    if head.lower_.endswith("s") and head.lower_[:-1] in TITLE_HEADS:
        return "role, a group"
    return "other description"


def name_level_speakers(doc: spacy.tokens.Doc, quotes: list[Quote], entities: list, counts: dict[str, int],
                        examples: list[tuple[str, str, str]], unresolved: list[tuple[str, str, str]]) -> None:
    """Figure 2: how speakers are written, and whether they reached a name."""
    text = doc.text
    mentioned = bytearray(len(text))
    for entity in entities:
        for m in entity.mentions:
            mentioned[m.start:m.end] = b"\x01" * (m.end - m.start)
    for q in quotes:
        mention = q.speaker.mention
        if mention is None:
            counts[("no mention", "")] += 1
            continue
        form = speaker_form(doc, mention, mentioned)
        resolved = q.speaker.name is not None
        counts[(form, "resolved" if resolved else "unresolved")] += 1
        context = text[max(0, min(q.start, mention.start) - 250): mention.end + 40].replace("\n", " ¶ ")
        if resolved and form != "name":
            examples.append((mention.text, q.speaker.name, context))
        elif not resolved and form in ("he/she/his/her", "role, one person"):
            unresolved.append((mention.text, ", ".join(e.name for e in entities if e.type == EntityType.person), context))


def table(rows: list[tuple], header: tuple) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "| " + " | ".join(str(v).ljust(w) for v, w in zip(r, widths)) + " |"  # noqa: E731
    return "\n".join([line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, rows)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev", choices=["train", "dev"])
    parser.add_argument("--limit", type=int, default=None, help="articles (default: all)")
    parser.add_argument("--sample-seed", type=int, default=None, help="shuffle articles with this seed before --limit")
    parser.add_argument("--no-textacy", action="store_true")
    parser.add_argument("--show-resolutions", type=int, default=0, help="print this many pronoun/role resolutions to check by hand")
    parser.add_argument("--show-unresolved", action="store_true", help="print every unresolved he/she and one-person role")
    args = parser.parse_args()
    if not (eval_dir() / "polnear").is_dir():
        sys.exit(f"PolNeAR not found under {eval_dir()} (set NEWSWIRE_EVAL_DIR)")
    articles = load_split(args.split, args.limit, args.sample_seed)
    model = get_settings().spacy_model
    ours, reference, speaker_kinds = Tally(), Tally(), defaultdict(int)
    examples: list[tuple[str, str, str]] = []
    unresolved: list[tuple[str, str, str]] = []
    nlp = load_nlp(model, REQUIRES | ENTITY_REQUIRES)
    started = time.perf_counter()
    for (name, text, rows), doc in zip(articles, nlp.pipe(text for _, text, _ in articles)):
        gold_quotes, gold_indirect = gold_units(text, rows)
        entities = extract_entities(doc)
        quotes = extract_quotes(doc, entities)
        predicted_quotes, predicted_indirect = our_units(text, quotes)
        ours.add_quotes(predicted_quotes, gold_quotes)
        ours.add_indirect(predicted_indirect, gold_indirect, gold_quotes + gold_indirect)
        name_level_speakers(doc, quotes, entities, speaker_kinds, examples, unresolved)
    ours_s = time.perf_counter() - started
    if not args.no_textacy:
        full = spacy.load(model)  # textacy reads lemmas and part-of-speech tags: the full pipeline of the same model
        for (name, text, rows), doc in zip(articles, full.pipe(text for _, text, _ in articles)):
            reference.add_quotes(textacy_units(text, doc), gold_units(text, rows)[0])

    c, r = ours.counts, reference.counts
    print(f"PolNeAR {args.split}: {len(articles)} articles, {c['gold']} gold quote units (direct contents and the quoted "
          f"fragments of mixed contents), {c['ind_gold']} indirect; model {model}; newswire {ours_s:.1f}s\n")
    rows = []
    for label, tally in (("newswire", c), ("textacy 0.13 direct_quotations", r)):
        if not tally:
            continue
        row = [label, tally["pred"]]
        for threshold in (0.8, 0.3):
            row.append("%.3f / %.3f / %.3f" % prf(tally[f"tp{threshold}"], tally["pred"], tally[f"tp{threshold}"], tally["gold"]))
        for threshold in (0.8, 0.3):
            row.append("%.3f / %.3f / %.3f" % prf(tally[f"cov_p{threshold}"], tally["pred"], tally[f"cov_g{threshold}"], tally["gold"]))
        row.append("%.3f (%d/%d)" % (tally["quote_speaker_ok"] / max(tally["quote_speaker_pairs"], 1), tally["quote_speaker_ok"], tally["quote_speaker_pairs"]))
        rows.append(tuple(row))
    print("Figure 1a. Direct and mixed quote content, P / R / F1\n")
    print(table(rows, ("system", "predicted", "1:1 overlap>=0.8", "1:1 overlap>=0.3", "coverage>=0.8", "coverage>=0.3", "speaker accuracy")))
    print("\nFigure 1b. Indirect attributions (newswire only; textacy has no indirect extractor)\n")
    print(table([(
        c["ind_gold"], c["ind_pred"],
        "%.3f" % (c["ind_recalled0.5"] / max(c["ind_gold"], 1)), "%.3f" % (c["ind_recalled0.3"] / max(c["ind_gold"], 1)),
        "%.3f" % (c["ind_correct0.5"] / max(c["ind_pred"], 1)),
        "%.3f (%d/%d)" % (c["indirect_speaker_ok"] / max(c["indirect_speaker_pairs"], 1), c["indirect_speaker_ok"], c["indirect_speaker_pairs"]),
    )], ("gold", "predicted", "recall overlap>=0.5", "recall overlap>=0.3", "precision overlap>=0.5 (any gold)", "speaker accuracy")))
    print("\nFigure 2. Predicted speakers by how they are written, and whether linked to a named entity\n")
    forms = sorted({form for form, _ in speaker_kinds}, key=lambda form: -sum(n for (f, _), n in speaker_kinds.items() if f == form))
    print(table([(form, speaker_kinds[(form, "resolved")], speaker_kinds[(form, "unresolved")] + speaker_kinds[(form, "")])
                 for form in forms], ("speaker written as", "resolved to an entity", "unresolved")))
    if args.show_unresolved:
        print("\nUnresolved person pronouns and one-person roles, with the people the entity stage found in the article:")
        for mention, people, context in unresolved:
            print(f"- {mention!r} (people: {people or 'none'}): …{context}")
    if args.show_resolutions:
        print(f"\nResolutions to check by hand (random {args.show_resolutions}):")
        for mention, name, context in random.Random(0).sample(examples, min(args.show_resolutions, len(examples))):
            print(f"- {mention!r} -> {name}: …{context}")


if __name__ == "__main__":
    main()
