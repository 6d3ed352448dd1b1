"""Finding quoted stretches of text from their quote marks, before any parsing.

Only double marks delimit quotes (“ ” „ « » and the straight "). Single marks are left alone: in English
news they are apostrophes (`Ukraine’s`) or quotes nested inside a double quote (`‘fog of war’`), which
belong to the outer quote. A paragraph left open and reopened with a mark is news style for a quote that
runs on: each paragraph gives one piece, and the later pieces are marked as continuing the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
STRAIGHT_MARKS = '"‟″'
# Characters after which a straight mark opens a quote, and before which it closes one.
_OPENS_AFTER = "([{—–-/"
_CLOSES_BEFORE = ".,;:!?)]}—–-/…"


class MarkRole(str, Enum):
    opening = "opening"
    closing = "closing"
    either = "either"


@dataclass(frozen=True)
class QuotedSpan:
    """Words between a pair of quote marks: `start`/`end` exclude the marks, `open_mark`/`close_mark` are theirs.

    `close_mark` is None for a piece that runs to the end of its paragraph and is reopened in the next;
    `continues` is True for such a reopened piece.
    """

    start: int
    end: int
    open_mark: int
    close_mark: int | None
    continues: bool = False


def mark_role(text: str, position: int) -> MarkRole:
    """Whether the double mark at `position` opens or closes a quote, from its shape or its neighbours.

    >>> mark_role('He said "no".', 8).value, mark_role('He said "no".', 11).value
    ('opening', 'closing')
    >>> mark_role("“Yes” and ”", 0).value, mark_role('a"b', 1).value
    ('opening', 'either')
    """
    mark = text[position]
    if mark in OPENING_MARKS:
        return MarkRole.opening
    if mark in CLOSING_MARKS:
        return MarkRole.closing
    before = text[position - 1] if position > 0 else " "
    after = text[position + 1] if position + 1 < len(text) else " "
    if (before.isspace() or before in _OPENS_AFTER) and not after.isspace():
        return MarkRole.opening
    if not before.isspace() and (after.isspace() or after in _CLOSES_BEFORE):
        return MarkRole.closing
    return MarkRole.either


def paragraph_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`: wire copy puts one paragraph on a line.

    >>> paragraph_bounds("One.\\nTwo.")
    [(0, 4), (5, 9)]
    """
    bounds, start = [], 0
    for line in text.split("\n"):
        bounds.append((start, start + len(line)))
        start += len(line) + 1
    return bounds


def _trimmed(text: str, start: int, end: int, open_mark: int, close_mark: int | None, continues: bool) -> QuotedSpan | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return QuotedSpan(start, end, open_mark, close_mark, continues) if end > start else None


def pair_quote_marks(text: str) -> list[QuotedSpan]:
    """Every quoted stretch of `text`, pairing its double marks paragraph by paragraph.

    Mixed marks pair (`“...\"`); an opening mark that is never closed is dropped without losing the
    quotes around it; a stray closing mark is ignored; nested single quotes stay inside.

    >>> text = '“A ‘b’ c,” he said. Its “d\" and “lost e “f”.'
    >>> [text[q.start:q.end] for q in pair_quote_marks(text)]
    ['A ‘b’ c,', 'd', 'f']
    >>> runs_on = '“First paragraph.\\n\\n“Second one,” she said.'
    >>> [(runs_on[q.start:q.end], q.continues) for q in pair_quote_marks(runs_on)]
    [('First paragraph.', False), ('Second one,', True)]
    """
    spans: list[QuotedSpan] = []
    carried: int | None = None  # opening mark of a quote left open at the end of the previous paragraph
    for para_start, para_end in paragraph_bounds(text):
        if not text[para_start:para_end].strip():
            continue  # a blank line between the paragraphs of a running quote does not end it
        open_at: int | None = None
        continues = False
        marks = [i for i in range(para_start, para_end) if text[i] in OPENING_MARKS + CLOSING_MARKS + STRAIGHT_MARKS]
        first_char = next((i for i in range(para_start, para_end) if not text[i].isspace()), None)
        if carried is not None and marks and marks[0] == first_char and mark_role(text, marks[0]) != MarkRole.closing:
            continues = True
        elif carried is not None:
            spans.pop()  # never reopened: the opening mark was unmatched
        carried = None
        for position in marks:
            role = mark_role(text, position)
            if open_at is None:
                if role != MarkRole.closing:
                    open_at = position
            elif role == MarkRole.opening:
                continues = False  # the earlier opening mark was never closed
                open_at = position
            else:
                span = _trimmed(text, open_at + 1, position, open_at, position, continues)
                spans.extend([span] if span else [])
                open_at, continues = None, False
        if open_at is not None:
            span = _trimmed(text, open_at + 1, para_end, open_at, None, continues)
            if span:
                spans.append(span)
                carried = open_at
    if carried is not None:
        spans.pop()
    return spans
