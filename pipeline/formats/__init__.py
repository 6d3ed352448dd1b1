"""Wire formats in, `RawArticle`s out: detection by content (file extension only as a hint) and one
parser per format.

    >>> [article] = parse_payload(b'{"headline": "Storm", "body": "The storm hit."}', "api", max_bytes=1000)
    >>> article.format.value, article.headline
    ('json', 'Storm')

Every failure is a `FormatError` whose message says what is wrong; nothing in a payload is ever
evaluated, expanded or fetched (XML goes through defusedxml only, see `pipeline.formats.xml`).
"""

from __future__ import annotations

import codecs
import pathlib
import re
from collections.abc import Callable

from pydantic import ValidationError

from pipeline.formats.anpa import parse_anpa, parse_iptc7901
from pipeline.formats.common import FormatError
from pipeline.formats.feeds import parse_atom, parse_rss
from pipeline.formats.jsonfmt import NINJS_KEYS, iter_jsonl, parse_json
from pipeline.formats.newsml import parse_newsml_1, parse_newsml_g2
from pipeline.formats.nitf import parse_nitf
from pipeline.formats.text import parse_text
from pipeline.models import ArticleFormat, RawArticle

__all__ = ["ArticleFormat", "FormatError", "detect_format", "iter_jsonl", "parse_file", "parse_payload"]

PARSERS: dict[ArticleFormat, Callable[[bytes, str], list[RawArticle]]] = {
    ArticleFormat.text: parse_text,
    ArticleFormat.json: parse_json,
    ArticleFormat.ninjs: parse_json,
    ArticleFormat.nitf: parse_nitf,
    ArticleFormat.newsml_g2: parse_newsml_g2,
    ArticleFormat.newsml_1: parse_newsml_1,
    ArticleFormat.rss: parse_rss,
    ArticleFormat.atom: parse_atom,
    ArticleFormat.anpa: parse_anpa,
    ArticleFormat.iptc_7901: parse_iptc7901,
}

# Root element (local name) -> format. NewsML-G2 roots are lower camel case, NewsML 1.x is `NewsML`.
XML_ROOTS = {
    "nitf": ArticleFormat.nitf,
    "newsItem": ArticleFormat.newsml_g2,
    "newsMessage": ArticleFormat.newsml_g2,
    "NewsML": ArticleFormat.newsml_1,
    "rss": ArticleFormat.rss,
    "RDF": ArticleFormat.rss,  # RSS 1.0 is <rdf:RDF>
    "feed": ArticleFormat.atom,
}
# Comments, processing instructions and the DOCTYPE (with an internal subset) before the root element.
_XML_PROLOG = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)", re.DOTALL)
_XML_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")
# An IPTC 7901 header line, e.g. "eca062 4 i 211 ccccb   dpa 061": service+sequence, priority, category, words.
_IPTC7901_HEADER = re.compile(rb"^\s*[a-z]{2,4}\d{3,6} +\d +[a-z]{1,3} +\d+ ")
_NINJS_SNIFF = re.compile(rb'"(%s)"\s*:' % "|".join(sorted(NINJS_KEYS)).encode())
# A payload named like JSON that does not look like it is reported as bad JSON, not read as text.
JSON_EXTENSIONS = frozenset({".json", ".jsonl", ".ndjson"})


def xml_root_name(data: bytes) -> str | None:
    """The local name of the root element of an XML document, read without parsing it.

    >>> xml_root_name(b'<?xml version="1.0"?>\\n<!-- c -->\\n<!DOCTYPE nitf SYSTEM "nitf.dtd">\\n<nitf>')
    'nitf'
    >>> xml_root_name(b'<ns0:newsItem xmlns:ns0="http://iptc.org/std/nar/2006-10-01/">')
    'newsItem'
    """
    position = 0
    while match := _XML_PROLOG.match(data, position):
        position = match.end()
    root = _XML_ROOT.match(data, position)
    return root.group(1).decode("ascii").rpartition(":")[2] if root else None


def detect_format(data: bytes, filename: str | None = None) -> ArticleFormat:
    """The wire format of a payload, by content: BOM and `<` (XML root element), `{`/`[` (JSON; ninjs
    by its keys), teletype control characters (ANPA-1312 has SYN or a US-separated header, IPTC 7901
    not), an IPTC 7901 header line; otherwise text. The extension only decides between JSON and text
    when the content does not.


    >>> detect_format(b'\\xef\\xbb\\xbf<?xml version="1.0"?><newsMessage/>').value
    'newsml-g2'
    >>> detect_format(b'{"uri": "urn:x", "body_text": "..."}').value, detect_format(b'[{"body": "x"}]').value
    ('ninjs', 'json')
    >>> detect_format(b"\\x16\\x16\\x01W2870\\x1fasian\\n").value, detect_format(b"\\x7f\\x01eca062 4 i 211 dpa 061\\r\\n").value
    ('anpa', 'iptc-7901')
    >>> detect_format(b"Storm hits coast\\nThe storm hit.", "a.txt").value
    'text'
    >>> detect_format(b"<html><body>hi</body></html>")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: unsupported XML document: root element <html>
    """
    head = data[:4096].removeprefix(codecs.BOM_UTF8).lstrip(b" \t\r\n\x7f")
    if head.startswith(b"<"):
        root = xml_root_name(head)
        if root not in XML_ROOTS:
            raise FormatError(f"unsupported XML document: root element <{root}>" if root else "XML document has no root element")
        return XML_ROOTS[root]
    if head.startswith((b"{", b"[")):
        return ArticleFormat.ninjs if _NINJS_SNIFF.search(data) else ArticleFormat.json
    first_line = head.split(b"\n", 1)[0]
    if head.startswith((b"\x16", b"\x01")):
        return ArticleFormat.anpa if b"\x16" in head[:2] or b"\x1f" in first_line else ArticleFormat.iptc_7901
    if _IPTC7901_HEADER.match(first_line):
        return ArticleFormat.iptc_7901
    if filename and pathlib.PurePath(filename).suffix.lower() in JSON_EXTENSIONS:
        return ArticleFormat.json
    return ArticleFormat.text


def parse_payload(data: bytes, source: str, *, filename: str | None = None, max_bytes: int) -> list[RawArticle]:
    """The articles in one payload (a file, a message); `source` is recorded on each of them.
    The size limit is checked before anything is parsed.

    >>> parse_payload(b"x" * 2001, "big.txt", max_bytes=2000)
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: payload of 2,001 bytes exceeds the 2,000-byte limit
    """
    if len(data) > max_bytes:
        raise FormatError(f"payload of {len(data):,} bytes exceeds the {max_bytes:,}-byte limit")
    if not data.strip():
        raise FormatError("payload is empty")
    try:
        return PARSERS[detect_format(data, filename)](data, source)
    except RecursionError:  # ElementTree serialising and json decoding recurse per nesting level
        raise FormatError("document is nested too deeply to read") from None
    except ValidationError as error:  # e.g. a provider id longer than the contract allows
        problem = error.errors()[0]
        raise FormatError(f"article does not fit the contract: {'.'.join(map(str, problem['loc']))}: {problem['msg']}") from None


def parse_file(path: pathlib.Path, *, max_bytes: int) -> list[RawArticle]:
    """The articles in a file; too large a file is refused before it is read.

    The source is the file's name, not its path, so an article's id does not depend on where the file
    was read from (the same drop produced from two working directories is one article).
    """
    path = pathlib.Path(path)
    size = path.stat().st_size
    if size > max_bytes:
        raise FormatError(f"payload of {size:,} bytes exceeds the {max_bytes:,}-byte limit")
    return parse_payload(path.read_bytes(), path.name, filename=path.name, max_bytes=max_bytes)
