"""Finding quoted stretches of text from their quote marks, before any parsing.

Only double marks delimit quotes (“ ” „ « », the straight " and the two apostrophes '' of some newspaper
archives). Single marks are left alone: in English news they are apostrophes (`Ukraine’s`) or quotes
nested inside a double quote (`‘fog of war’`), which belong to the outer quote. A paragraph left open and reopened with a mark is news style for a quote that
runs on: each paragraph gives one piece, and the later pieces are marked as continuing the first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

OPENING_MARKS = "“„«"
CLOSING_MARKS = "”»"
# Every double mark; the straight ones (" ‟ ″ '') open or close by their neighbours.
DOUBLE_MARK = re.compile(r"''|[“„«”»\"‟″]")
# Characters after which a straight mark opens a quote, and before which it closes one.
_OPENS_AFTER = "([{—–-/"
_CLOSES_BEFORE = ".,;:!?)]}—–-/…"


class MarkRole(str, Enum):
    opening = "opening"
    closing = "closing"
    either = "either"


@dataclass(frozen=True)
class QuotedSpan:
    """Words between a pair of quote marks: `start`/`end` exclude the marks; `open_mark` is where the opening
    mark starts and `close_end` where the closing mark ends.

    `close_end` is None for a piece that runs to the end of its paragraph and is reopened in the next;
    `continues` is True for such a reopened piece.
    """

    start: int
    end: int
    open_mark: int
    close_end: int | None
    continues: bool = False


def mark_role(text: str, mark: re.Match) -> MarkRole:
    """Whether a double mark opens or closes a quote, from its shape or its neighbours. A closing shape that
    starts a paragraph opens it: nothing before it could be quoted (reader comments often open with ”).

    >>> [mark_role(t, m).value for t in ('He said "no".', "''Yes,'' a'b") for m in DOUBLE_MARK.finditer(t)]
    ['opening', 'closing', 'opening', 'closing']
    >>> [mark_role(t, DOUBLE_MARK.search(t)).value for t in ("“Yes", 'a"b', "”He is proud.” ― Ana Cruz")]
    ['opening', 'either', 'opening']
    """
    before = text[mark.start() - 1] if mark.start() > 0 else "\n"
    after = text[mark.end()] if mark.end() < len(text) else " "
    if mark.group() in OPENING_MARKS:
        return MarkRole.opening
    if mark.group() in CLOSING_MARKS:
        return MarkRole.opening if before == "\n" and not after.isspace() else MarkRole.closing
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


def _trimmed(text: str, opening: re.Match, end: int, close_end: int | None, continues: bool) -> QuotedSpan | None:
    start = opening.end()
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return QuotedSpan(start, end, opening.start(), close_end, continues) if end > start else None


@lru_cache(maxsize=8)
def pair_quote_marks(text: str) -> tuple[QuotedSpan, ...]:
    """Every quoted stretch of `text`, pairing its double marks paragraph by paragraph (kept for the last few
    texts: the entity and quote stages both read an article's quotes).

    Mixed marks pair (`“...\"`); an opening mark that is never closed is dropped without losing the
    quotes around it; a stray closing mark is ignored; nested quotes stay inside, single or double.

    >>> text = '“A ‘b’ c,” he said. Its “d\" and “lost e “f”.'
    >>> [text[q.start:q.end] for q in pair_quote_marks(text)]
    ['A ‘b’ c,', 'd', 'f']
    >>> nested = '“I would rather live in what he calls “hell” than see him win,” she said.'
    >>> [nested[q.start:q.end] for q in pair_quote_marks(nested)]
    ['I would rather live in what he calls “hell” than see him win,']
    >>> archive = "''It isn't over,'' she said."
    >>> [archive[q.start:q.end] for q in pair_quote_marks(archive)]
    ["It isn't over,"]
    >>> runs_on = '“First paragraph.\\n\\n“Second one,” she said.'
    >>> [(runs_on[q.start:q.end], q.continues) for q in pair_quote_marks(runs_on)]
    [('First paragraph.', False), ('Second one,', True)]
    """
    spans: list[QuotedSpan] = []
    carried = False  # whether the last paragraph left a quote open
    for para_start, para_end in paragraph_bounds(text):
        if not text[para_start:para_end].strip():
            continue  # a blank line between the paragraphs of a running quote does not end it
        opening: re.Match | None = None
        continues = False
        marks = list(DOUBLE_MARK.finditer(text, para_start, para_end))
        first_char = para_start + len(text[para_start:para_end]) - len(text[para_start:para_end].lstrip())
        if carried and marks and marks[0].start() == first_char and mark_role(text, marks[0]) != MarkRole.closing:
            continues = True
        elif carried:
            spans.pop()  # never reopened: the opening mark was unmatched
        carried = False
        roles = [mark_role(text, mark) for mark in marks]
        depth = 0  # quotes open inside the one that `opening` opened, plus that one
        for number, (mark, role) in enumerate(zip(marks, roles)):
            if opening is None:
                if role != MarkRole.closing:
                    opening, depth = mark, 1
            elif role == MarkRole.opening:
                later = roles[number + 1:]
                openers = later.count(MarkRole.opening)
                closers = len(later) - openers  # closing marks and straight ones, which close when a quote is open
                if closers - openers > depth and opening.group() in OPENING_MARKS:
                    # Enough marks follow to close both: a quote inside the quote (“…he calls “hell” …”). A
                    # straight mark around a curly quote is a scraped block quote, whose inner quote is the one.
                    depth += 1
                else:
                    continues = False  # the earlier opening mark was never closed
                    opening, depth = mark, 1
            else:
                depth -= 1
                if depth == 0:
                    span = _trimmed(text, opening, mark.start(), mark.end(), continues)
                    spans.extend([span] if span else [])
                    opening, continues = None, False
        if opening is not None:
            span = _trimmed(text, opening, para_end, None, continues)
            if span:
                spans.append(span)
                carried = True
    if carried:
        spans.pop()
    return tuple(spans)


_NAME_WORD = r"[A-Z][\w.'’-]*"
_BEFORE_NICKNAME = re.compile(rf"{_NAME_WORD} $")
_AFTER_NICKNAME = re.compile(rf" {_NAME_WORD}")


def is_nickname(text: str, span: QuotedSpan) -> bool:
    """Whether a quoted stretch is a nickname inside a name: one capitalised word between marks, with a name's
    words right before and after it.

    >>> text = 'Rep. Robert C. "Bobby" Scott and Del. Marcia “Cia” Price met. He called it “Wow” Monday.'
    >>> [is_nickname(text, span) for span in pair_quote_marks(text)]
    [True, True, False]
    """
    words = text[span.start:span.end]
    return (span.close_end is not None and re.fullmatch(_NAME_WORD, words) is not None
            and _BEFORE_NICKNAME.search(text, max(span.open_mark - 40, 0), span.open_mark) is not None
            and _AFTER_NICKNAME.match(text, span.close_end) is not None)
