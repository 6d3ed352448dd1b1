"""JSON articles: IPTC ninjs (1.x lower-case, 2.x `headlines`/`bodies`, 3.x camelCase) and a generic
article object, given as one object, a list of objects, or JSON Lines (one object per line).

JSON Lines: `parse_json` fails the whole payload on the first bad line and names it ("line 3: ...");
a producer that wants to keep the good lines iterates `iter_jsonl` instead, which yields each line's
article or error.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pipeline.formats.common import (
    FormatError,
    html_to_text,
    make_article,
    normalise_newlines,
    parse_datetime,
    parse_version,
    plain_text,
    provider_id,
)
from pipeline.models import ArticleFormat, RawArticle

# Keys only ninjs has; a generic article object has none of them.
NINJS_KEYS = frozenset({"uri", "headlines", "bodies", "body_text", "body_html", "body_xhtml", "versioncreated", "versionCreated"})
GENERIC_BODY_KEYS = ("body", "text", "content")


def is_ninjs(item: dict) -> bool:
    """Whether a JSON object is a ninjs item.

    >>> is_ninjs({"uri": "urn:x", "headline": "H"}), is_ninjs({"id": 1, "body": "B"})
    (True, False)
    """
    return not NINJS_KEYS.isdisjoint(item)


def _get(item: dict, *keys: str) -> object:
    """The first of `keys` present with a value (ninjs 3.x renamed most keys to camelCase)."""
    for key in keys:
        if item.get(key) not in (None, "", []):
            return item[key]
    return None


def ninjs_headline(item: dict) -> str | None:
    """`headline` (1.x), else the `main` (or first) of `headlines` (2.x/3.x).

    >>> ninjs_headline({"headlines": [{"role": "sub", "value": "S"}, {"role": "main", "value": "M"}]})
    'M'
    """
    if isinstance(item.get("headline"), str):
        return item["headline"]
    headlines = [entry for entry in item.get("headlines") or [] if isinstance(entry, dict) and entry.get("value")]
    main = [entry for entry in headlines if entry.get("role") == "main"]
    return (main or headlines)[0]["value"] if headlines else None


def ninjs_body(item: dict) -> str:
    """The body as plain text, preferring the plain-text rendition over HTML/XHTML, then NITF/XML.

    >>> ninjs_body({"body_html": "<p>HTML</p>", "body_text": "Plain"})
    'Plain'
    >>> ninjs_body({"bodies": [{"contentType": "text/html", "value": "<p>A</p><p>B</p>"}]})
    'A\\nB'
    >>> ninjs_body({"uri": "urn:x", "descriptions": []})
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: ninjs item has no body: none of 'body_text', 'body_html', 'body_xhtml', 'bodies'
    """
    renditions: list[tuple[str, str]] = [
        (kind, item[key]) for key, kind in (("body_text", "text/plain"), ("body_html", "text/html"), ("body_xhtml", "application/xhtml+xml"))
        if isinstance(item.get(key), str)
    ]
    for body in item.get("bodies") or []:
        if isinstance(body, dict) and isinstance(body.get("value"), str):
            renditions.append(((body.get("contentType") or body.get("contenttype") or body.get("role") or "").lower(), body["value"]))
    if not renditions:
        raise FormatError("ninjs item has no body: none of 'body_text', 'body_html', 'body_xhtml', 'bodies'")
    plain = [value for kind, value in renditions if kind in ("text/plain", "text")]
    if plain:
        return normalise_newlines(plain[0]).strip()
    markup = sorted(renditions, key=lambda rendition: "html" not in rendition[0])  # (X)HTML before NITF/XML
    return html_to_text(markup[0][1])


def ninjs_article(item: dict, source: str) -> RawArticle:
    item_id = _get(item, "uri", "guid")
    provider = _get(item, "source", "copyrightholder", "copyrightHolder")
    return make_article(
        item_id=provider_id(str(provider) if provider else "ninjs", str(item_id)) if item_id else None,
        source=source,
        format=ArticleFormat.ninjs,
        body=ninjs_body(item),
        headline=ninjs_headline(item),
        version=parse_version(item.get("version")),
        encoding="utf-8",
        language=_get(item, "language"),
        published_at=parse_datetime(_get(item, "versioncreated", "versionCreated", "firstcreated", "firstCreated")),
    )


def generic_article(item: dict, source: str) -> RawArticle:
    """A plain article object: `body`/`text`/`content`, with `id`, `headline`/`title`, `version`,
    `source`, `url`, `language`, `published_at` when present.

    >>> generic_article({"id": 42, "source": "acme", "title": "T", "text": "Body."}, "feed").id
    'acme:42'
    >>> generic_article({"headline": "No body here"}, "feed")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: JSON object has no article body: expected one of 'body', 'text', 'content'
    """
    body = _get(item, *GENERIC_BODY_KEYS)
    if not isinstance(body, str):
        raise FormatError("JSON object has no article body: expected one of 'body', 'text', 'content'")
    headline = _get(item, "headline", "title")
    return make_article(
        item_id=provider_id(str(item.get("source") or "json"), str(item["id"])) if item.get("id") not in (None, "") else None,
        source=source,
        format=ArticleFormat.json,
        body=plain_text(body),
        headline=headline if isinstance(headline, str) else None,
        version=parse_version(item.get("version")),
        encoding="utf-8",
        language=_get(item, "language"),
        url=_get(item, "url"),
        published_at=parse_datetime(_get(item, "published_at")),
    )


def article_from_json(value: object, source: str) -> RawArticle:
    """One JSON value as an article: ninjs or generic; anything else is an error saying what it is."""
    if not isinstance(value, dict):
        raise FormatError(f"JSON {type(value).__name__} is not an article object")
    return ninjs_article(value, source) if is_ninjs(value) else generic_article(value, source)


def iter_jsonl(text: str, source: str) -> Iterator[tuple[int, RawArticle | FormatError]]:
    """Each non-blank line of JSON Lines as (line number, article or the line's error).

    >>> [(line, type(result).__name__) for line, result in iter_jsonl('{"body": "A"}\\n\\n{"body": ', "s")]
    [(1, 'RawArticle'), (3, 'FormatError')]
    """
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, article_from_json(json.loads(line), source)
        except json.JSONDecodeError as error:
            yield number, FormatError(f"invalid JSON at line {number}, column {error.colno}: {error.msg}")
        except FormatError as error:
            yield number, FormatError(f"line {number}: {error}")


def parse_json(data: bytes, source: str) -> list[RawArticle]:
    """The articles of a JSON object, a JSON list of objects, or JSON Lines.

    >>> [article.headline for article in parse_json(b'[{"title": "A", "body": "a"}, {"title": "B", "body": "b"}]', "s")]
    ['A', 'B']
    >>> parse_json(b'{"body": "a",\\n "title": }', "s")
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: invalid JSON at line 2, column 11: Expecting value
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FormatError(f"JSON is not valid UTF-8 (byte {error.start}): {error.reason}") from None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        if error.msg != "Extra data":
            raise FormatError(f"invalid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
        articles = []
        for _, result in iter_jsonl(text, source):  # several values: JSON Lines
            if isinstance(result, FormatError):
                raise result
            articles.append(result)
        return articles
    if not isinstance(value, list):
        return [article_from_json(value, source)]
    if not value:
        raise FormatError("JSON list is empty: no articles")
    articles = []
    for index, item in enumerate(value):
        try:
            articles.append(article_from_json(item, source))
        except FormatError as error:
            raise FormatError(f"list item {index}: {error}") from None
    return articles
