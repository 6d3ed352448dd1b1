"""The encoding-repair stage: bytes or damaged text in, clean text and an audit of every change out.

`repair_text` runs `REPAIR_STEPS` in order. Each step is a fix `text -> list[Edit]` (see `edits.py`), so
every change is located in the repaired text and named after the fix that made it:

1. ftfy (`fix_encoding_with_ftfy`), configured to keep curly quotes;
2. lossy-mojibake recovery (`lossy.py`), which ftfy cannot do: symbols just before ftfy, then what ftfy
   left of the surviving UTF-8 sequences, then the orphan letters and punctuation;
3. NFC, then the whitespace and control tidy of wire copy (`tidy.py`).
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass

import ftfy

from pipeline.models import RepairChange
from pipeline.repair.decode import decode_bytes
from pipeline.repair.edits import Edit, Fix, PositionMap, apply_edits, edits_from_diff, example
from pipeline.repair.lossy import decode_surviving_sequences, restore_lossy_mojibake, restore_lossy_symbols
from pipeline.repair.tidy import TIDY_FIXES

__all__ = ["Repaired", "repair_text", "decode_bytes", "explain", "REPAIR_STEPS"]

# ftfy's defaults, except that curly quotes are news typography, not damage.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False)
MAX_POSITIONS = 50
MAX_EXAMPLES = 3


def fix_encoding_with_ftfy(text: str) -> list[Edit]:
    """Everything ftfy repairs: mojibake it can undo, HTML entities, C1 punctuation, line breaks, NFC.

    >>> from pipeline.repair.edits import preview
    >>> preview(fix_encoding_with_ftfy, "The cafÃ© said â€œhiâ€\x9d &amp; left")
    'The café said “hi” & left'
    """
    fixed = ftfy.fix_text(text, FTFY_CONFIG)
    return [] if fixed == text else edits_from_diff(text, fixed, "fix_encoding_with_ftfy")


def normalize_nfc(text: str) -> list[Edit]:
    """Compose characters (NFC), as the index and the NLP models expect.

    >>> from pipeline.repair.edits import preview
    >>> preview(normalize_nfc, "Zu\u0308rich")
    'Zürich'
    """
    if unicodedata.is_normalized("NFC", text):
        return []
    return edits_from_diff(text, unicodedata.normalize("NFC", text), "normalize_nfc")


# Lossy symbols (`â¦`) go first: ftfy would read `â¦` + space as a lost A0 byte and make `⦠`.
REPAIR_STEPS: tuple[Fix, ...] = (
    restore_lossy_symbols,
    fix_encoding_with_ftfy,
    decode_surviving_sequences,
    restore_lossy_mojibake,
    normalize_nfc,
    *TIDY_FIXES,
)


@dataclass(frozen=True)
class Repaired:
    text: str
    changes: list[RepairChange]
    uncertain: bool  # some orphans were left unchanged because the evidence was weak


@dataclass
class _Applied:
    edit: Edit
    position: int  # where the change now is in the text being repaired
    example: str


def repair_text(text: str, steps: tuple[Fix, ...] = REPAIR_STEPS) -> Repaired:
    """Repair `text` with `steps`, recording what each fix changed, where and how confidently.

    >>> repaired = repair_text("âThere are military tools of leverageâ he said of VuÄiÄ.")
    >>> repaired.text
    '“There are military tools of leverage” he said of Vučić.'
    >>> [(change.fix, change.count) for change in repaired.changes]
    [('restore_lossy_punctuation', 2), ('restore_lossy_letters', 2)]
    """
    applied: list[_Applied] = []
    uncertain = False
    for step in steps:
        edits = step(text)
        if not edits:
            continue
        uncertain |= any(edit.new is None for edit in edits)
        changes = sorted((edit for edit in edits if edit.new is not None), key=lambda edit: edit.start)
        if not changes:
            continue
        moved = PositionMap(changes)
        for record in applied:
            record.position = moved(record.position)
        applied += [_Applied(edit, moved(edit.start), example(text, edit)) for edit in changes]
        text = apply_edits(text, changes)
    return Repaired(text, _summarise(applied), uncertain)


def _summarise(applied: list[_Applied]) -> list[RepairChange]:
    by_fix: dict[str, list[_Applied]] = defaultdict(list)
    for record in applied:
        by_fix[record.edit.fix].append(record)
    return [
        RepairChange(
            fix=fix,
            count=len(records),
            confidence=min(record.edit.confidence for record in records),
            positions=sorted(record.position for record in records)[:MAX_POSITIONS],
            examples=[record.example for record in records[:MAX_EXAMPLES]],
        )
        for fix, records in by_fix.items()
    ]


def explain(repaired: Repaired) -> str:
    """A list of the fixes for an editor, as `newswire repair --explain` prints it.

    >>> print(explain(repair_text("Ukraineâs war")))
    restore_lossy_punctuation: 1 change, confidence 0.97, at 7
      Ukraineâs war -> Ukraine’s war
    """
    if not repaired.changes:
        lines = ["no changes"]
    else:
        lines = []
        for change in repaired.changes:
            plural = "" if change.count == 1 else "s"
            where = ", ".join(map(str, change.positions[:10])) + (" ..." if change.count > 10 else "")
            lines.append(f"{change.field + ': ' if change.field != 'body' else ''}{change.fix}: "
                         f"{change.count} change{plural}, confidence {change.confidence:.2f}, at {where}")
            lines += [f"  {sample}" for sample in change.examples]
    if repaired.uncertain:
        lines.append("uncertain: some possible mojibake was left unchanged because the evidence was weak")
    return "\n".join(lines)
