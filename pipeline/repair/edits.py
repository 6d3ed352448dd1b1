"""Edits: what a fix wants to change, so that every change can be applied, located and explained.

A fix is a function `text -> list[Edit]`; it never rewrites the text itself. The driver applies the edits,
then keeps each change's position up to date through the later fixes.
"""

from __future__ import annotations

import difflib
import itertools
import os
import re
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CONTEXT_CHARS = 12  # on each side of an example, enough for an editor to find the place


@dataclass(frozen=True)
class Edit:
    """Replace text[start:end] by `new`; `new=None` marks a place left unchanged because evidence was weak."""

    start: int
    end: int
    new: str | None
    fix: str
    confidence: float = 1.0


Fix = Callable[[str], list[Edit]]


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The text with the (non-overlapping) edits applied; flagged places stay as they are.

    >>> apply_edits("Ukraineâs war", [Edit(7, 8, "’", "demo")])
    'Ukraine’s war'
    """
    pieces, done = [], 0
    for edit in sorted(edits, key=lambda edit: edit.start):
        if edit.new is None:
            continue
        pieces += [text[done : edit.start], edit.new]
        done = edit.end
    return "".join(pieces) + text[done:]


def preview(fix: Fix, text: str) -> str:
    """What `fix` makes of `text`: the doctests of the fixes use it to show input and output."""
    return apply_edits(text, fix(text))


def edits_from_diff(before: str, after: str, fix: str) -> list[Edit]:
    """The edits that turn `before` into `after`, for fixes done by a whole-text function (ftfy, NFC).

    >>> edits_from_diff("cafÃ© ok", "café ok", "demo")
    [Edit(start=3, end=5, new='é', fix='demo', confidence=1.0)]
    """
    before_lines, after_lines = before.split("\n"), after.split("\n")
    if len(before_lines) != len(after_lines):
        return _diff(before, after, 0, fix)
    edits, offset = [], 0
    for old, new in zip(before_lines, after_lines):
        if old != new:  # diffing line by line keeps difflib's quadratic cost small
            edits += _diff(old, new, offset, fix)
        offset += len(old) + 1
    return edits


# Runs of ASCII and runs of other characters: mojibake repairs rewrite the non-ASCII runs and keep the
# ASCII ones, so aligning runs first leaves difflib only a few short pieces to align letter by letter.
RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")
SHORT_CHANGE = 3  # characters: a change this short on either side is reported as one edit (`Ã©` -> `é`)


def _diff(before: str, after: str, offset: int, fix: str) -> list[Edit]:
    """Align the runs (see `RUNS`) of one changed line, then the characters of each changed run.

    >>> _diff("Ã© and â€œhiâ€\x9d", "é and “hi”", 0, "demo")[1]
    Edit(start=7, end=10, new='“', fix='demo', confidence=1.0)
    """
    old_runs, new_runs = RUNS.findall(before), RUNS.findall(after)
    old_starts = list(itertools.accumulate(map(len, old_runs), initial=offset))
    if len(old_runs) == len(new_runs):  # the usual case: each run repaired in place, no need to align runs
        pairs = [(i, i + 1, i, i + 1) for i, (old, new) in enumerate(zip(old_runs, new_runs)) if old != new]
    else:
        matcher = difflib.SequenceMatcher(None, old_runs, new_runs, autojunk=False)
        pairs = [(i1, i2, j1, j2) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"]
    edits = []
    for i1, i2, j1, j2 in pairs:
        edits += _diff_characters("".join(old_runs[i1:i2]), "".join(new_runs[j1:j2]), old_starts[i1], fix)
    return edits


def _diff_characters(before: str, after: str, offset: int, fix: str) -> list[Edit]:
    prefix = len(os.path.commonprefix([before, after]))
    suffix = len(os.path.commonprefix([before[prefix:][::-1], after[prefix:][::-1]]))
    old, new = before[prefix : len(before) - suffix], after[prefix : len(after) - suffix]
    if len(old) <= SHORT_CHANGE or len(new) <= SHORT_CHANGE:
        return [Edit(offset + prefix, offset + prefix + len(old), new, fix)]
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    start = offset + prefix
    return [
        Edit(start + i1, start + i2, new[j1:j2], fix)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


class PositionMap:
    """Where positions of a text land after edits are applied (a position inside an edit goes to its start)."""

    def __init__(self, edits: list[Edit]):
        applied = sorted((edit for edit in edits if edit.new is not None), key=lambda edit: edit.start)
        self._starts = [edit.start for edit in applied]
        self._ends = [edit.end for edit in applied]
        self._shift_after: list[int] = []  # total length change once edit i is passed
        shift = 0
        for edit in applied:
            shift += len(edit.new) - (edit.end - edit.start)
            self._shift_after.append(shift)

    def __call__(self, position: int) -> int:
        """New position of `position`.

        >>> PositionMap([Edit(2, 4, "x", "demo")])(6)
        5
        """
        i = bisect_right(self._starts, position) - 1
        if i < 0:
            return position
        if position < self._ends[i]:
            before = self._shift_after[i - 1] if i else 0
            return self._starts[i] + before
        return position + self._shift_after[i]


def example(text: str, edit: Edit) -> str:
    """A 'before -> after' sample with a little context, as `explain` shows it.

    >>> example("the Ukraineâs war", Edit(11, 12, "’", "demo"))
    'the Ukraineâs war -> the Ukraine’s war'
    """
    left = text[max(0, edit.start - CONTEXT_CHARS) : edit.start]
    right = text[edit.end : edit.end + CONTEXT_CHARS]
    return f"{left}{text[edit.start:edit.end]}{right} -> {left}{edit.new}{right}".replace("\n", "⏎")
