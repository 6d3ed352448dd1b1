"""Teletype wire copy: ANPA-1312 (AP, Kyodo) and IPTC 7901 (dpa, SDA-ATS).

Control characters frame the message: SOH opens the header, STX the text, ETX the trailer, EOT ends
it. The text opens with a heading block (keyword line, headline, byline, editors' notes) and then the
hard-wrapped body, which is unwrapped to one paragraph per line. Bytes are UTF-8 when valid, else the
single-byte charset wire copy is sent in (Windows-1252/Latin-1); `encoding` records which.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone

from pipeline.formats.common import decode_wire_bytes, make_article, normalise_newlines
from pipeline.models import ArticleFormat, RawArticle

SOH, STX, ETX = "\x01", "\x02", "\x03"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # all C0 controls and DEL except tab and newline
WRAP_WIDTH = 55  # lines at least this long were hard-wrapped: the next unindented line continues them
_LEAD_NUMBER = re.compile(r"\b(\d+)(?:st|nd|rd|th) (?:Ld-Writethru|lead)\b", re.IGNORECASE)
_AP_TRAILER = re.compile(r"^([A-Za-z]+)-\w+-(\d\d)-(\d\d)-(\d\d) (\d\d)(\d\d)GMT")
_IPTC7901_TRAILER = re.compile(r"^(\d\d)(\d\d)(\d\d) (?:GMT )?([A-Za-z]{3}) (\d\d)")
_MONTHS = {name: number for number, names in enumerate(
    ["jan", "feb", "mar mär mrz", "apr", "may mai", "jun", "jul", "aug", "sep", "oct okt", "nov", "dec dez"], start=1)
    for name in names.split()}


def unwrap_lines(lines: list[str]) -> str:
    """Hard-wrapped wire lines as paragraphs, one per line: a paragraph ends at a blank line, before
    an indented line, or after a short line; control characters (tab-format codes) are dropped.

    >>> unwrap_lines(["   Berlin (dpa) - Negotiations between German conservatives headed by",
    ...               "Chancellor Angela Merkel could fail.", "", "   Second paragraph.", "\\x08Row;1;2\\x10"])
    'Berlin (dpa) - Negotiations between German conservatives headed by Chancellor Angela Merkel could fail.\\nSecond paragraph.\\nRow;1;2'
    """
    paragraphs: list[str] = []
    previous = ""
    for raw_line in lines:
        line = _CONTROL.sub("", raw_line).rstrip()
        continues = previous and len(previous) >= WRAP_WIDTH and line and not line[0].isspace()
        if continues:
            paragraphs[-1] += " " + line.strip()
        elif line.strip():
            paragraphs.append(line.strip())
        previous = line
    return "\n".join(paragraphs)


def lead_version(heading: str) -> int:
    """The version a writethru or lead number means: the story's first take is version 1.

    >>> lead_version("BC-AS--China-Daring Escape-ABRIDGED, 3rd Ld-Writethru,827"), lead_version("1ST LEAD"), lead_version("EXTRA")
    (4, 2, 1)
    """
    match = _LEAD_NUMBER.search(heading)
    return int(match.group(1)) + 1 if match else 1


def anpa_trailer(trailer: str) -> tuple[str | None, datetime | None]:
    """The agency and send time from an AP-style trailer.

    >>> anpa_trailer("AP-WF-11-13-13 1509GMT<")
    ('AP', datetime.datetime(2013, 11, 13, 15, 9, tzinfo=datetime.timezone.utc))
    >>> anpa_trailer("KWS-21:37-09-12-18")
    ('KWS', None)
    """
    trailer = _CONTROL.sub("", trailer).strip()
    match = _AP_TRAILER.match(trailer)
    if not match:
        agency = re.match(r"[A-Za-z]+", trailer)
        return (agency.group(0) if agency else None), None
    agency, month, day, year, hour, minute = match.groups()
    return agency, datetime(2000 + int(year), int(month), int(day), int(hour), int(minute), tzinfo=timezone.utc)


def strip_heading_marks(line: str) -> str:
    """A heading line without its format caret and end marks (`<` quad left, `=` centred, `+` more).

    >>> strip_heading_marks("^For Argentine chemo patients, mirrors can hurt < ")
    'For Argentine chemo patients, mirrors can hurt'
    """
    return _CONTROL.sub("", line).strip().lstrip("^").rstrip("<=+ ").strip()


def _is_anpa_heading(line: str) -> bool:
    stripped = line.rstrip()
    return stripped.startswith("^") and stripped.endswith(("<", "="))


def anpa_body_line(line: str) -> str:
    """A body line without its quad mark (`<` flush left, `=` centred); a caret, which sets a line on
    its own, becomes an indent so the line is not joined to the one before.

    >>> anpa_body_line("^Stage version of 'Frozen' to be directed by Broadway veteran"), anpa_body_line("END< ")
    ("\\tStage version of 'Frozen' to be directed by Broadway veteran", 'END')
    """
    line = line.rstrip()
    line = line[:-1] if line.endswith(("<", "=")) else line
    return "\t" + line[1:] if line.startswith("^") else line


def split_anpa_story(lines: list[str]) -> tuple[str, list[str], list[str]]:
    """(keyword line, heading lines, body lines) of an ANPA story text. AP marks heading lines with a
    caret and an end mark; Kyodo leaves them unindented before the indented body.

    >>> split_anpa_story(["^BC-LT--Argentina-Cancer Beauty,466<", "^For chemo patients, mirrors hurt <",
    ...                   "^By PAUL BYRNE=", "\\t   BUENOS AIRES (AP) _ Text."])
    ('BC-LT--Argentina-Cancer Beauty,466', ['For chemo patients, mirrors hurt', 'By PAUL BYRNE'], ['\\t   BUENOS AIRES (AP) _ Text.'])
    """
    # The first line may carry a selector before the keyword: "^*9006< ^AP-Top-Entertainment-Headlines,0176<".
    keyword, index = strip_heading_marks(lines[0].rpartition("^")[2]) if lines else "", 1
    heading = []
    while index < len(lines):
        line = lines[index]
        ap_heading = _is_anpa_heading(line)
        bare_heading = not line.startswith(("^", " ", "\t")) and line.strip() != ""
        if not (ap_heading or bare_heading):
            break
        heading.append(strip_heading_marks(line))
        index += 1
    return keyword, heading, [anpa_body_line(line) for line in lines[index:]]


def parse_anpa(data: bytes, source: str) -> list[RawArticle]:
    """One article from an ANPA-1312 message.

    >>> [article] = parse_anpa(b"\\x16\\x16\\x01W1645\\x1fasian\\nb a\\x13\\x11 BC-US--APNewsAlert     06-29 0358\\r\\n"
    ...     b"\\x02^BC-US--APNewsAlert,17<\\r\\n\\t   HONOLULU (AP) _ Hawaii files court challenge.\\r\\n"
    ...     b"\\x03AP-WF-06-29-17 2350GMT<\\r\\n\\x04", "ap")
    >>> article.id, article.headline, article.body, article.encoding
    ('AP:BC-US--APNewsAlert:06-29', None, 'HONOLULU (AP) _ Hawaii files court challenge.', 'utf-8')
    """
    text, encoding = decode_wire_bytes(data)
    header, _, rest = normalise_newlines(text).partition(STX)
    story, _, trailer = rest.partition(ETX)
    keyword, heading, body_lines = split_anpa_story(story.split("\n"))
    agency, sent_at = anpa_trailer(trailer)
    slug = re.sub(r",\s*\d*$", "", keyword)  # the word count after the last comma
    story_key = re.sub(r",?\s*(?:\d+\w\w )?Ld-Writethru.*$", "", slug, flags=re.IGNORECASE).strip()
    date = re.search(r"(\d\d-\d\d) \d{4}\s*$", header.split("\n")[1] if "\n" in header else "")
    return [
        make_article(
            item_id=f"{agency or 'anpa'}:{story_key}:{date.group(1)}" if story_key and date else None,
            source=source,
            format=ArticleFormat.anpa,
            body=unwrap_lines(body_lines),
            headline=heading[0] if heading else None,
            version=lead_version(keyword),
            encoding=encoding,
            published_at=sent_at,
        )
    ]


def iptc7901_sent_at(trailer: str) -> datetime | None:
    """The send time from an IPTC 7901 trailer `DDHHMM GMT Mon YY` (English or German month).

    >>> iptc7901_sent_at("071341 GMT Okt 15 ")
    datetime.datetime(2015, 10, 7, 13, 41, tzinfo=datetime.timezone.utc)
    """
    match = _IPTC7901_TRAILER.match(_CONTROL.sub("", trailer).strip())
    if not match or match.group(4).lower() not in _MONTHS:
        return None
    day, hour, minute, month, year = match.groups()
    try:
        return datetime(2000 + int(year), _MONTHS[month.lower()], int(day), int(hour), int(minute), tzinfo=timezone.utc)
    except ValueError:
        return None


def split_7901_heading(lines: list[str]) -> tuple[list[str], str | None, list[str]]:
    """(status marks, headline, body lines): the heading block runs to the first line ending in `=`;
    inside it, upper-case lines (`1ST LEAD`, `REFILE`, `EXTRA`) and `(Achtung)` are status marks and
    `By ...` lines are bylines; the headline is the last other line (kicker lines may precede it).
    Without an `=` line there is no heading.

    >>> split_7901_heading(["REFILE", "1ST LEAD", "Swiss resist UN pact", "By dpa correspondents =", "", "Geneva (dpa) - Text."])
    (['REFILE', '1ST LEAD'], 'Swiss resist UN pact', ['', 'Geneva (dpa) - Text.'])
    """
    end = next((index for index, line in enumerate(lines[:8]) if line.rstrip().endswith("=")), None)
    if end is None:
        return [], None, lines
    marks, titles = [], []
    for line in (line.strip().rstrip("=").strip() for line in lines[: end + 1]):
        if line.isupper() or (line.startswith("(") and line.endswith(")")):
            marks.append(line)
        elif line and not line.startswith("By "):
            titles.append(line)
    return marks, (titles[-1] if titles else None), lines[end + 1:]


def parse_iptc7901(data: bytes, source: str) -> list[RawArticle]:
    """One article from an IPTC 7901 message; also reads copy whose control characters were stripped
    (the keyword line ending in `/` then opens the text). A `# ...` notebook section at the end is not
    for publication and is dropped.

    >>> [article] = parse_iptc7901(b"\\x01eca062 4 i 211 ccccb   dpa 061\\r\\n\\r\\nGermany-politics/\\r\\n"
    ...     b"\\x02Coalition talks could fail =\\r\\n\\r\\n   Berlin (dpa) - Talks could fail.\\r\\n\\r\\n# dpa NOTEBOOK\\r\\n"
    ...     b"\\x03131137 GMT Nov 13 \\r\\n\\x7f\\x04", "dpa")
    >>> article.headline, article.body, article.published_at.isoformat()
    ('Coalition talks could fail', 'Berlin (dpa) - Talks could fail.', '2013-11-13T11:37:00+00:00')
    """
    text, encoding = decode_wire_bytes(data)
    text = normalise_newlines(text).rpartition(SOH)[2] if SOH in text else normalise_newlines(text)
    story, _, trailer = text.partition(ETX)
    if STX in story:
        story = story.partition(STX)[2]
    else:
        lines = story.split("\n")
        keyword_line = next((index for index, line in enumerate(lines[:6]) if line.rstrip().endswith("/")), 0)
        story = "\n".join(lines[keyword_line + 1:])
    lines = story.split("\n")
    notebook = next((index for index, line in enumerate(lines) if line.startswith("# ")), len(lines))
    marks, headline, body_lines = split_7901_heading(lines[:notebook])
    return [
        make_article(
            item_id=None,  # 7901 headers carry a daily sequence number and a topic path, not a story id
            source=source,
            format=ArticleFormat.iptc_7901,
            body=unwrap_lines(body_lines),
            headline=headline,
            version=lead_version(" ".join(marks)),
            encoding=encoding,
            published_at=iptc7901_sent_at(trailer),
        )
    ]
