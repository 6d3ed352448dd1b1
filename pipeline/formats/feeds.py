"""RSS (2.0, 1.0/RDF, 0.9x) and Atom 1.0 feeds: one article per item or entry that has text.

The body is the full content when the feed carries it (`content:encoded`, Atom `content`), else the
summary (`description`, Atom `summary`), as plain text. The version is the entry's timestamp in epoch
seconds (Atom `updated`, RSS `pubDate`), so a re-published entry replaces the earlier one.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.formats.common import (
    collect_articles,
    each_article,
    epoch_version,
    html_to_text,
    make_article,
    normalise_newlines,
    parse_datetime,
    provider_id,
)
from pipeline.formats.xml import element_text, language_of, parse_xml, strip_namespaces, text_of
from pipeline.models import ArticleFormat, RawArticle

ATOM_NS = "http://www.w3.org/2005/Atom"
RSS_NAMESPACES = frozenset({
    "http://purl.org/rss/1.0/",
    "http://my.netscape.com/rdf/simple/0.9/",
    "http://backend.userland.com/rss2",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
})
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}"


def first_text(parent: ET.Element, *names: str) -> str | None:
    """The text of the first of `names` that `parent` has with non-empty text.

    >>> first_text(ET.fromstring("<item><link/><link>https://x.test/a</link></item>"), "guid", "link")
    'https://x.test/a'
    """
    for name in names:
        for element in parent.findall(name):
            if element.text and element.text.strip():
                return element.text.strip()
    return None


def rss_article(item: ET.Element, source: str, encoding: str, channel: ET.Element | None) -> RawArticle:
    published = parse_datetime(first_text(item, "pubDate", f"{DC}date"))
    link = first_text(item, "link")
    guid = first_text(item, "guid") or link
    channel_link = first_text(channel, "link") if channel is not None else None
    return make_article(
        item_id=provider_id(channel_link, guid) if guid else None,
        source=source,
        format=ArticleFormat.rss,
        body=html_to_text(first_text(item, CONTENT_ENCODED, "description") or ""),
        headline=html_to_text(first_text(item, "title") or ""),
        version=epoch_version(published),
        encoding=encoding,
        language=first_text(item, f"{DC}language") or (first_text(channel, "language", f"{DC}language") if channel is not None else None),
        url=link,
        published_at=published,
    )


def parse_rss(data: bytes, source: str) -> list[RawArticle]:
    """The items of an RSS feed (any version).

    >>> [article] = parse_rss(b'<rss><channel><link>https://nasa.test/</link><item><title>Liftoff</title>'
    ...     b'<description>&lt;p&gt;The &lt;b&gt;launch&lt;/b&gt; is on.&lt;/p&gt;</description>'
    ...     b'<guid>item-7</guid><pubDate>Tue, 03 Jun 2003 09:39:21 GMT</pubDate></item></channel></rss>', "nasa")
    >>> article.id, article.headline, article.body, article.version
    ('https://nasa.test/:item-7', 'Liftoff', 'The launch is on.', 1054633161)
    """
    root, decoded = parse_xml(data)
    root = strip_namespaces(root, RSS_NAMESPACES)
    channel = root.find("channel")
    return collect_articles(each_article(rss_article, root.iter("item"), source, decoded.encoding, channel), "RSS items")


def atom_text(element: ET.Element | None) -> str:
    """The text of an Atom text construct (`title`, `summary`, `content`) by its `type`.

    >>> atom_text(ET.fromstring('<content type="html">&lt;p&gt;One&lt;/p&gt;&lt;p&gt;Two&lt;/p&gt;</content>'))
    'One\\nTwo'
    >>> atom_text(ET.fromstring('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>X</p></div></content>'))
    'X'
    >>> atom_text(ET.fromstring('<title>AT&amp;T &lt;3\\r\\n</title>'))
    'AT&T <3'
    """
    if element is None:
        return ""
    kind = element.get("type", "text")
    if kind == "xhtml":
        return element_text(element)
    if kind == "html":
        return html_to_text(element.text or "")
    return normalise_newlines(element.text or "").strip()


def atom_link(entry: ET.Element) -> str | None:
    """The entry's web page: the `alternate` link (a link without `rel` is one).

    >>> atom_link(ET.fromstring('<entry><link rel="self" href="a"/><link href="b"/></entry>'))
    'b'
    """
    for link in entry.findall("link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href")
    return None


def atom_article(entry: ET.Element, source: str, encoding: str, feed: ET.Element) -> RawArticle:
    updated = parse_datetime(text_of(entry.find("updated")))
    entry_id = text_of(entry.find("id"))
    return make_article(
        item_id=provider_id(text_of(feed.find("id")), entry_id) if entry_id else None,
        source=source,
        format=ArticleFormat.atom,
        body=atom_text(entry.find("content")) or atom_text(entry.find("summary")),
        headline=atom_text(entry.find("title")),
        version=epoch_version(updated),
        encoding=encoding,
        language=language_of(entry, feed),
        url=atom_link(entry),
        published_at=parse_datetime(text_of(entry.find("published"))) or updated,
    )


def parse_atom(data: bytes, source: str) -> list[RawArticle]:
    """The entries of an Atom feed.

    >>> [article] = parse_atom(b'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de"><id>urn:feed</id><entry>'
    ...     b'<id>urn:uuid:1225c695</id><title>Neu</title><updated>2016-02-01T10:00:00Z</updated>'
    ...     b'<summary>Kurz.</summary><link href="https://heise.test/1"/></entry></feed>', "heise")
    >>> article.id, article.body, article.version, article.language, article.url
    ('urn:uuid:1225c695', 'Kurz.', 1454320800, 'de', 'https://heise.test/1')
    """
    root, decoded = parse_xml(data)
    feed = strip_namespaces(root, frozenset({ATOM_NS}))
    return collect_articles(each_article(atom_article, feed.iter("entry"), source, decoded.encoding, feed), "Atom entries")
