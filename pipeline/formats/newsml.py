"""NewsML-G2 (`newsItem`, `newsMessage`) and NewsML 1.x (`NewsML`) documents: one article per text item.

Items without text (pictures, packages, metadata-only items) are skipped; a document with no text item
at all raises `FormatError("article body is empty: ...")`. Bodies come as inline NITF, XHTML/HTML or
plain `inlineData`, in G2 as in 1.x `DataContent`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from pipeline.formats.common import (
    collect_articles,
    each_article,
    make_article,
    parse_datetime,
    parse_version,
    plain_text,
    provider_id,
)
from pipeline.formats.nitf import NITF_NAMESPACES, nitf_body
from pipeline.formats.xml import element_text, language_of, parse_xml, strip_namespaces, text_of
from pipeline.models import ArticleFormat, RawArticle

XHTML_NAMESPACES = frozenset({"http://www.w3.org/1999/xhtml"}) | NITF_NAMESPACES
G2_NAMESPACES = frozenset({"http://iptc.org/std/nar/2006-10-01/"}) | XHTML_NAMESPACES


def markup_body(container: ET.Element) -> str:
    """The text of a body container (`inlineXML`, `DataContent`): inline NITF, (X)HTML, bare paragraphs,
    or escaped HTML given as text.

    >>> markup_body(ET.fromstring("<inlineXML><nitf><body><body.content><p>A.</p></body.content></body></nitf></inlineXML>"))
    'A.'
    >>> markup_body(ET.fromstring("<DataContent><html><head><title>T</title></head><body><p>B.</p></body></html></DataContent>"))
    'B.'
    >>> markup_body(ET.fromstring("<DataContent>&lt;p&gt;C.&lt;/p&gt;</DataContent>"))
    'C.'
    """
    nitf = container.find("nitf")
    if nitf is not None:
        return nitf_body(nitf)
    if len(container):
        return element_text(container)
    return plain_text(container.text or "")


def g2_body(item: ET.Element) -> str:
    """The text of a G2 `newsItem`: its `inlineXML`, else its plain-text `inlineData`; '' for items
    without inline text (pictures, remote content).

    >>> g2_body(ET.fromstring("<newsItem><contentSet><inlineData contenttype='text/plain'>Line one\\r\\nLine two"
    ...                       "</inlineData></contentSet></newsItem>"))
    'Line one\\nLine two'
    >>> g2_body(ET.fromstring("<newsItem><contentSet><inlineData contenttype='text/plain'>&lt;p&gt;Labelled plain, "
    ...                       "sent as HTML&lt;/p&gt;</inlineData></contentSet></newsItem>"))
    'Labelled plain, sent as HTML'
    """
    inline_xml = item.find("contentSet/inlineXML")
    if inline_xml is not None:
        return markup_body(inline_xml)
    inline_data = item.find("contentSet/inlineData")
    return plain_text(inline_data.text or "") if inline_data is not None else ""


def g2_article(item: ET.Element, source: str, encoding: str) -> RawArticle:
    provider = item.find("itemMeta/provider")
    provider_name = (provider.get("qcode") or provider.get("literal")) if provider is not None else None
    language = item.find("contentMeta/language")
    return make_article(
        item_id=provider_id(provider_name, item.get("guid")) if item.get("guid") else None,
        source=source,
        format=ArticleFormat.newsml_g2,
        body=g2_body(item),
        headline=text_of(item.find("contentMeta/headline")),
        version=parse_version(item.get("version")),
        encoding=encoding,
        language=(language.get("tag") if language is not None else None) or language_of(item, item.find("contentMeta")),
        published_at=parse_datetime(text_of(item.find("itemMeta/versionCreated")) or text_of(item.find("itemMeta/firstCreated"))),
    )


def newsml1_identifier(item: ET.Element) -> tuple[str | None, int]:
    """A NewsML 1.x item's id (its public identifier without the revision: every revision shares it)
    and its revision as the version.

    >>> newsml1_identifier(ET.fromstring("<NewsItem><Identification><NewsIdentifier><ProviderId> afp.com\\r\\n</ProviderId>"
    ...     "<DateId>20240710</DateId><NewsItemId>qpsp2jzk</NewsItemId><RevisionId>3</RevisionId>"
    ...     "</NewsIdentifier></Identification></NewsItem>"))
    ('urn:newsml:afp.com:20240710:qpsp2jzk', 3)
    """
    identifier = item.find("Identification/NewsIdentifier")
    if identifier is None or not text_of(identifier.find("NewsItemId")):
        return None, 1
    parts = [text_of(identifier.find(name)) or "" for name in ("ProviderId", "DateId", "NewsItemId")]
    return "urn:newsml:" + ":".join(parts), parse_version(text_of(identifier.find("RevisionId")))


def _is_text_content(content_item: ET.Element) -> bool:
    labels = " ".join(
        (content_item.find(name).get("FormalName") or "") for name in ("MediaType", "Format", "MimeType")
        if content_item.find(name) is not None
    ).lower()
    return not any(kind in labels for kind in ("css", "photo", "image", "graphic", "video", "audio"))


def newsml1_body(item: ET.Element) -> str:
    """The longest text `ContentItem` of a NewsML 1.x item: the story, where the others are titles,
    captions or boilerplate (style sheets and media are skipped).

    >>> newsml1_body(ET.fromstring("<NewsItem><NewsComponent><ContentItem><MimeType FormalName='text/css'/>"
    ...     "<DataContent>p { margin: 0 }</DataContent></ContentItem><ContentItem><DataContent>Title</DataContent>"
    ...     "</ContentItem><ContentItem><DataContent><p>The text.</p></DataContent></ContentItem></NewsComponent></NewsItem>"))
    'The text.'
    """
    texts = [
        markup_body(content_item.find("DataContent"))
        for content_item in item.iter("ContentItem")
        if content_item.find("DataContent") is not None and _is_text_content(content_item)
    ]
    return max(texts, key=len, default="")


def newsml1_article(item: ET.Element, source: str, encoding: str) -> RawArticle:
    item_id, version = newsml1_identifier(item)
    language = item.find(".//DescriptiveMetadata/Language")
    nitf = item.find(".//DataContent/nitf")
    management = item.find("NewsManagement")
    return make_article(
        item_id=item_id,
        source=source,
        format=ArticleFormat.newsml_1,
        body=newsml1_body(item),
        headline=text_of(item.find(".//NewsLines/HeadLine"))
        or (text_of(nitf.find("body/body.head/hedline/hl1")) if nitf is not None else None),
        version=version,
        encoding=encoding,
        language=language.get("FormalName") if language is not None else None,
        published_at=parse_datetime(text_of(management.find("ThisRevisionCreated")) or text_of(management.find("FirstCreated")))
        if management is not None else None,
    )


def parse_newsml_g2(data: bytes, source: str) -> list[RawArticle]:
    """The text items of a NewsML-G2 `newsItem` or `newsMessage`."""
    root, decoded = parse_xml(data)
    root = strip_namespaces(root, G2_NAMESPACES)
    items = [root] if root.tag == "newsItem" else list(root.iter("newsItem"))
    return collect_articles(each_article(g2_article, items, source, decoded.encoding), "NewsML-G2 items")


def parse_newsml_1(data: bytes, source: str) -> list[RawArticle]:
    """The text items of a NewsML 1.x document."""
    root, decoded = parse_xml(data)
    root = strip_namespaces(root, XHTML_NAMESPACES)
    return collect_articles(each_article(newsml1_article, root.iter("NewsItem"), source, decoded.encoding), "NewsML 1.x items")
