"""Small helpers every wire-format parser shares: the error type, ids, dates, versions and markup-to-text.

Each helper does one thing and shows it in its docstring; the format modules compose them.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser

from pipeline.models import ArticleFormat, RawArticle, content_id

log = logging.getLogger(__name__)


class FormatError(ValueError):
    """A payload that cannot be turned into articles; the message says what is wrong with it."""

    __module__ = "pipeline.formats"  # its public home, whichever module path imported it


def provider_id(provider: str | None, item_id: str) -> str:
    """A stable article id from the provider's own id: URIs and URNs are globally unique already,
    bare ids (numbers, UUIDs) are prefixed with the provider so two providers cannot collide.

    >>> provider_id("AP", "urn:newsml:ap.org:20150506:a1b2")
    'urn:newsml:ap.org:20150506:a1b2'
    >>> provider_id("360info", "fd8e441b")
    '360info:fd8e441b'
    """
    item_id = item_id.strip()
    if ":" in item_id:
        return item_id
    return f"{(provider or 'unknown').strip()}:{item_id}"


def parse_datetime(value: str | None) -> datetime | None:
    """An ISO 8601 (basic or extended) or RFC 822 date, as an aware datetime; naive values are taken as UTC.
    Unreadable dates give None: a bad date must not lose the article.

    >>> parse_datetime("20160909T000100+0100").isoformat()
    '2016-09-09T00:01:00+01:00'
    >>> parse_datetime("Mon, 20 Feb 2012 14:00:00 EST").isoformat()
    '2012-02-20T14:00:00-05:00'
    >>> parse_datetime("2016-01-12 12:35:40").isoformat()
    '2016-01-12T12:35:40+00:00'
    >>> parse_datetime("Seg, 24 Set 2018 19:33:00 -0300") is None
    True
    """
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_version(value: object) -> int:
    """A format's version field as a non-negative int; missing or non-numeric versions are 1.

    >>> parse_version("11"), parse_version(None), parse_version("v2")
    (11, 1, 1)
    """
    try:
        version = int(str(value).strip())
    except ValueError:
        return 1
    return version if version >= 0 else 1


def epoch_version(when: datetime | None) -> int:
    """A feed entry's timestamp as its version (epoch seconds): a later update replaces an earlier one.

    >>> epoch_version(parse_datetime("2016-02-01T10:00:00Z"))
    1454320800
    >>> epoch_version(None)
    1
    """
    return int(when.timestamp()) if when else 1


_XML_WHITESPACE = re.compile(r"[ \t\r\n]+")


def collapse_whitespace(text: str) -> str:
    """Markup whitespace (spaces, tabs, line breaks) to single spaces; other characters such as
    no-break spaces are text and stay.

    >>> collapse_whitespace("  Oil prices\\n   edge up\\u00a0today ")
    'Oil prices edge up\\xa0today'
    """
    return _XML_WHITESPACE.sub(" ", text).strip()


# Elements that end a paragraph (HTML, XHTML and NITF names); cells only need a separating space.
_BLOCK_TAGS = frozenset(
    "p div section article blockquote pre li tr table ul ol dl dt dd h1 h2 h3 h4 h5 h6 hl1 hl2 "
    "br hr figure figcaption footer aside address block caption".split()
)
_CELL_TAGS = frozenset({"td", "th"})
# Elements whose content is not article text (an HTML <header> holds the headline and kicker).
_SKIPPED_TAGS = frozenset({"script", "style", "head", "header", "media", "object"})


class _TextCollector(HTMLParser):
    """Collects the text of (X)HTML or NITF markup as paragraphs; never fetches or evaluates anything."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[str] = []
        self._current: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        name = tag.rpartition(":")[2]  # namespaced XML serialised by ElementTree: 'ns0:p'
        if name in _SKIPPED_TAGS:
            self._skip_depth += 1
        elif name in _BLOCK_TAGS:
            self._end_paragraph()
        elif name in _CELL_TAGS:
            self._current.append(" ")

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        name = tag.rpartition(":")[2]
        if name in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_endtag(self, tag: str) -> None:
        name = tag.rpartition(":")[2]
        if name in _SKIPPED_TAGS:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif name in _BLOCK_TAGS:
            self._end_paragraph()

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self._current.append(data)

    def _end_paragraph(self) -> None:
        paragraph = collapse_whitespace("".join(self._current))
        if paragraph:
            self.paragraphs.append(paragraph)
        self._current = []

    def text(self) -> str:
        self.close()
        self._end_paragraph()
        return "\n".join(self.paragraphs)


def html_to_text(markup: str) -> str:
    """The text of HTML, XHTML or NITF markup, one paragraph per line; character references are resolved.

    >>> html_to_text("<p>Oil prices\\n edge up.</p><p>Brent &amp; WTI <b>rose</b>.<br/>Analysts</p>")
    'Oil prices edge up.\\nBrent & WTI rose.\\nAnalysts'
    >>> html_to_text("plain words")
    'plain words'
    """
    collector = _TextCollector()
    collector.feed(markup)
    return collector.text()


def normalise_newlines(text: str) -> str:
    """CRLF and CR line ends to LF, the one paragraph separator of the pipeline.

    >>> normalise_newlines("one\\r\\ntwo\\rthree")
    'one\\ntwo\\nthree'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


_HTML_TAG = re.compile(r"<(p|br|div|span|a|b|i|em|strong|ul|li|h[1-6])\b[^>]*>", re.IGNORECASE)


def plain_text(value: str) -> str:
    """A body field as plain text: markup removed when it is HTML, else only line ends normalised.

    >>> plain_text("<p>One</p><p>Two</p>"), plain_text("Fish & chips <3\\r\\nLine two")
    ('One\\nTwo', 'Fish & chips <3\\nLine two')
    """
    return html_to_text(value) if _HTML_TAG.search(value) else normalise_newlines(value).strip()


def decode_single_byte(data: bytes) -> tuple[str, str]:
    """Bytes that are not UTF-8, decoded as wire copy usually is: Windows-1252, else Latin-1 (which
    decodes every byte). Returns the text and the codec used.

    >>> decode_single_byte(b"M\\xfcller \\x93quoted\\x94")
    ('Müller “quoted”', 'cp1252')
    >>> decode_single_byte(b"\\x81")
    ('\\x81', 'latin-1')
    """
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_wire_bytes(data: bytes) -> tuple[str, str]:
    """Wire copy without a declared charset: UTF-8 when the bytes are valid UTF-8 (a UTF-8 BOM is
    dropped), else single-byte (see `decode_single_byte`). Returns the text and the codec used.

    >>> decode_wire_bytes("Müller".encode("utf-8"))
    ('Müller', 'utf-8')
    >>> decode_wire_bytes(b"M\\xfcller")
    ('Müller', 'cp1252')
    """
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        return decode_single_byte(data)


def make_article(
    *,
    item_id: str | None,
    source: str,
    format: ArticleFormat,
    body: str,
    headline: str | None = None,
    version: int = 1,
    **fields: object,
) -> RawArticle:
    """A RawArticle from parsed parts: refuses an empty body, cleans the headline, and falls back to
    a content hash for the id when the format gives none.

    >>> article = make_article(item_id=None, source="a.txt", format=ArticleFormat.text, body="Words.", headline=" Hi\\n there ")
    >>> article.headline, article.id
    ('Hi there', 'a.txt:44dcebcdcc564a64')
    >>> make_article(item_id=None, source="a.txt", format=ArticleFormat.text, body=" \\n ")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: article body is empty
    """
    if not body.strip():
        raise FormatError("article body is empty")
    headline = collapse_whitespace(headline) if headline else None
    return RawArticle(
        id=item_id or content_id(source, body),
        version=version,
        source=source,
        format=format,
        headline=headline or None,
        body=body,
        **fields,
    )


def each_article(build: Callable[..., RawArticle], items: Iterable, *args: object) -> Iterator[RawArticle | FormatError]:
    """`build(item, *args)` for each item of a multi-item document, yielding a FormatError in place of
    an item that has none, so one bad item does not lose the others.

    >>> [str(result) for result in each_article(lambda n: make_article(item_id=str(n), source="s",
    ...     format=ArticleFormat.rss, body="x" * n).body, [2, 0])]
    ['xx', 'article body is empty']
    """
    for item in items:
        try:
            yield build(item, *args)
        except FormatError as error:
            yield error


def collect_articles(articles: Iterable[RawArticle | FormatError], what: str) -> list[RawArticle]:
    """The articles of a multi-item document, skipping items without text; none at all is an error.

    >>> collect_articles([FormatError("article body is empty")], "NewsML-G2 items")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: article body is empty: none of the 1 NewsML-G2 items has text
    """
    found, skipped = [], 0
    for article in articles:
        if isinstance(article, FormatError):
            skipped += 1
            log.info("skipped one of the %s: %s", what, article)
        else:
            found.append(article)
    if not found:
        raise FormatError(f"article body is empty: none of the {skipped} {what} has text")
    return found
