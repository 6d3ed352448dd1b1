"""Whitespace and control characters that wire feeds carry, tidied after the encoding is repaired.

ftfy already unifies line breaks and removes most control characters; these fixes handle what it keeps:
form feeds from old gateways, tab indents, blanks at line ends and runs of empty lines. Runs of spaces
inside a line, and blanks at the very end of the text, are left alone: they are not damage.
"""

from __future__ import annotations

import re

from pipeline.repair.edits import Edit, preview


def _regex_edits(pattern: re.Pattern[str], replacement: str, text: str, fix: str) -> list[Edit]:
    return [
        Edit(match.start(), match.end(), replacement, fix)
        for match in pattern.finditer(text)
        if match.group() != replacement
    ]


PAGE_BREAK = re.compile(r"[\f\v]")
TABS = re.compile(r"\t+")
LINE_END_BLANKS = re.compile(r"[ \t]+(?=\n)")
LINE_START_BLANKS = re.compile(r"^[ \t]+", re.MULTILINE)
BLANK_LINE_RUN = re.compile(r"\n{3,}")


def break_lines_at_page_breaks(text: str) -> list[Edit]:
    """Form feeds and vertical tabs (ANPA and IPTC 7901 page breaks) become line breaks.

    >>> preview(break_lines_at_page_breaks, "PARIS\\fThe talks")
    'PARIS\\nThe talks'
    """
    return _regex_edits(PAGE_BREAK, "\n", text, "break_lines_at_page_breaks")


def strip_line_blanks(text: str) -> list[Edit]:
    """Remove spaces and tabs at the start (paragraph indents) and end of lines (not of the text).

    >>> preview(strip_line_blanks, "  \\tThe talks \\n   resumed.\\t")
    'The talks\\nresumed.\\t'
    """
    # substring tests first: these are far quicker than a regex scan of clean copy
    edits = []
    if text[:1] in (" ", "\t") or "\n " in text or "\n\t" in text:
        edits += _regex_edits(LINE_START_BLANKS, "", text, "strip_line_blanks")
    if " \n" in text or "\t\n" in text:
        edits += _regex_edits(LINE_END_BLANKS, "", text, "strip_line_blanks")
    # a line of blanks only is matched by both: keep one edit per place
    return list({(edit.start, edit.end): edit for edit in edits}.values())


def tabs_to_spaces(text: str) -> list[Edit]:
    """Tabs inside a line (column layouts of old terminals) become one space.

    >>> preview(tabs_to_spaces, "Dow\\t\\t10,000")
    'Dow 10,000'
    """
    return _regex_edits(TABS, " ", text, "tabs_to_spaces") if "\t" in text else []


def collapse_blank_lines(text: str) -> list[Edit]:
    """At most one empty line between paragraphs; no line break at the start or end of the text.

    >>> preview(collapse_blank_lines, "\\n\\nOne.\\n\\n\\n\\nTwo.\\n")
    'One.\\n\\nTwo.'
    """
    edits = _regex_edits(BLANK_LINE_RUN, "\n\n", text, "collapse_blank_lines") if "\n\n\n" in text else []
    leading, trailing = len(text) - len(text.lstrip("\n")), len(text) - len(text.rstrip("\n"))
    if leading == len(text):
        return [Edit(0, len(text), "", "collapse_blank_lines")] if text else []
    edges = [Edit(0, leading, "", "collapse_blank_lines")] if leading else []
    edges += [Edit(len(text) - trailing, len(text), "", "collapse_blank_lines")] if trailing else []
    return [edit for edit in edits if not any(edge.start <= edit.start < edge.end for edge in edges)] + edges


TIDY_FIXES = (break_lines_at_page_breaks, tabs_to_spaces, strip_line_blanks, collapse_blank_lines)
