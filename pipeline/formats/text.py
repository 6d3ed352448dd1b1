"""Plain-text articles: the first line is the headline when it looks like one, the rest is the body.

Bytes that are not valid UTF-8 are not guessed at here: they travel as `body_bytes` (with no
`encoding`) and the repair stage's decoder decides, so no byte is lost to a wrong guess.
"""

from __future__ import annotations

import codecs

from pipeline.formats.common import FormatError, make_article, normalise_newlines
from pipeline.models import ArticleFormat, RawArticle, content_id

HEADLINE_MAX_CHARS = 120


def looks_like_headline(line: str) -> bool:
    """A short line without a final period: how headlines are written (questions are fine).

    >>> looks_like_headline("Vance warns Russia over Ukraine troops"), looks_like_headline("Will it rain?")
    (True, True)
    >>> looks_like_headline("Vance said the U.S. may take military action.")
    False
    """
    line = line.strip()
    return 0 < len(line) <= HEADLINE_MAX_CHARS and not line.endswith((".", ",", ";", ":"))


def split_headline(text: str) -> tuple[str | None, str]:
    """(headline, body): the first line is the headline when it looks like one and more text follows.

    >>> split_headline("Vance warns Russia\\n\\nVice President JD Vance issued a warning.")
    ('Vance warns Russia', 'Vice President JD Vance issued a warning.')
    >>> split_headline("Vice President JD Vance issued a warning.\\nHe said more.")
    (None, 'Vice President JD Vance issued a warning.\\nHe said more.')
    """
    first, _, rest = text.lstrip("\n").partition("\n")
    if rest.strip() and looks_like_headline(first):
        return first.strip(), rest.lstrip("\n")
    return None, text


def split_headline_bytes(data: bytes) -> tuple[str | None, bytes]:
    """`split_headline` for undecodable bytes: the first line is taken as the headline only when it
    is valid UTF-8 by itself; the body bytes stay untouched.

    >>> split_headline_bytes(b"Muller scores\\nM\\xfcller scored twice.")
    ('Muller scores', b'M\\xfcller scored twice.')
    """
    first, _, rest = data.partition(b"\n")
    try:
        headline = first.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None, data
    if rest.strip() and looks_like_headline(headline):
        return headline, rest.lstrip(b"\r\n")
    return None, data


# Control bytes that wire text does carry: tab, line feed, form feed, carriage return, and the ANPA/IPTC 7901
# framing characters (SOH, STX, ETX, EOT, SYN, DC1-DC4, US).
_TEXT_CONTROLS = b"\t\n\x0c\r\x01\x02\x03\x04\x16\x11\x12\x13\x14\x1f"
_BINARY_CONTROLS = bytes(byte for byte in [*range(0x20), 0x7F] if byte not in _TEXT_CONTROLS)
_BINARY_CONTROL_SHARE = 0.05


def refuse_binary(data: bytes) -> None:
    """Text never holds NUL bytes (UTF-16 text has a byte-order mark and is decoded before this check),
    nor more than a few other control bytes.

    >>> refuse_binary(b"\\x89PNG\\r\\n\\x1a\\n\\x00\\x00")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: payload is binary, not text: NUL byte at offset 8
    >>> refuse_binary(bytes(range(1, 256)) * 4)
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: payload is binary, not text: 7% of its bytes are control characters
    >>> refuse_binary(b"\\x01ANPA\\x02Wire copy.\\x03")
    """
    offset = data.find(b"\x00")
    if offset >= 0:
        raise FormatError(f"payload is binary, not text: NUL byte at offset {offset}")
    controls = len(data) - len(data.translate(None, _BINARY_CONTROLS))
    if data and controls / len(data) > _BINARY_CONTROL_SHARE:
        raise FormatError(f"payload is binary, not text: {controls / len(data):.0%} of its bytes are control characters")


def parse_text(data: bytes, source: str) -> list[RawArticle]:
    """One article from plain text: UTF-8 (a BOM is dropped) or UTF-16 with a BOM is decoded; other
    bytes travel undecoded.

    >>> [article] = parse_text(b"Storm hits coast\\r\\nThe storm hit the coast on Monday.", "seeds/a.txt")
    >>> article.headline, article.body, article.encoding
    ('Storm hits coast', 'The storm hit the coast on Monday.', 'utf-8')
    >>> [article] = parse_text(b"Gerd M\\xfcller has Alzheimer's.", "dpa.txt")
    >>> article.body, article.body_bytes, article.encoding
    (None, b"Gerd M\\xfcller has Alzheimer's.", None)
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise FormatError("payload starts with a UTF-16 byte-order mark but is not UTF-16 text") from None
    else:
        refuse_binary(data)
        try:
            text, encoding = data.decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            headline, body_bytes = split_headline_bytes(data)
            if not body_bytes.strip():
                raise FormatError("article body is empty") from None
            return [RawArticle(id=content_id(source, data), version=1, source=source, format=ArticleFormat.text,
                               headline=headline, body_bytes=body_bytes)]
    headline, body = split_headline(normalise_newlines(text.lstrip("\ufeff")))
    return [make_article(item_id=None, source=source, format=ArticleFormat.text, body=body, headline=headline, encoding=encoding)]
