"""NITF (News Industry Text Format, IPTC) documents, standalone or inside NewsML and ninjs.

The body is `body.content` as paragraphs; the headline `hl1` (else `head/title`); the id the
update key `du-key` when it carries a version (every version of a story shares it), else `doc-id`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

from pipeline.formats.common import make_article, parse_datetime, parse_version, provider_id
from pipeline.formats.xml import element_text, language_of, parse_xml, strip_namespaces, text_of
from pipeline.models import ArticleFormat, RawArticle

NITF_NAMESPACES = frozenset({"http://iptc.org/std/NITF/2006-10-18/"})


@dataclass(frozen=True)
class NitfParts:
    headline: str | None
    body: str
    item_id: str | None
    version: int
    language: str | None
    published_at: datetime | None


def nitf_body(nitf: ET.Element) -> str:
    """The article text of an NITF `<nitf>` (or bare `<body>`): `body.content`, else the whole body
    without its head and end matter.

    >>> nitf_body(ET.fromstring("<nitf><body><body.head><hl1>H</hl1></body.head>"
    ...                         "<body.content><p>First.</p><hl2>Sub</hl2><p>Second.</p></body.content></body></nitf>"))
    'First.\\nSub\\nSecond.'
    >>> nitf_body(ET.fromstring("<body><p>Bare paragraph.</p></body>"))
    'Bare paragraph.'
    """
    content = nitf.find(".//body.content")
    if content is not None:
        return element_text(content)
    body = nitf if nitf.tag == "body" else nitf.find("body")
    if body is None:
        return ""
    return "\n".join(element_text(part) for part in body if part.tag not in ("body.head", "body.end"))


def nitf_item_id(docdata: ET.Element | None) -> tuple[str | None, int]:
    """The story id and version from `docdata`: `du-key` (key + version) when versioned, else `doc-id`.

    >>> nitf_item_id(ET.fromstring('<docdata><doc-id id-string="faktisk_47" regsrc="NTB"/>'
    ...                            '<du-key key="faktisk" version="48"/></docdata>'))
    ('NTB:faktisk', 48)
    >>> nitf_item_id(ET.fromstring('<docdata><doc-id id-string="4a82e1-13-1"/><du-key key="PA-POLITICS"/></docdata>'))
    ('nitf:4a82e1-13-1', 1)
    """
    if docdata is None:
        return None, 1
    doc_id, du_key = docdata.find("doc-id"), docdata.find("du-key")
    provider = (doc_id.get("regsrc") if doc_id is not None else None) or "nitf"
    # A du-key without a version is a topic slug shared by several stories (PA), not a story id.
    if du_key is not None and du_key.get("key") and du_key.get("version"):
        return provider_id(provider, du_key.get("key")), parse_version(du_key.get("version"))
    if doc_id is not None and doc_id.get("id-string"):
        return provider_id(provider, doc_id.get("id-string")), 1
    return None, 1


def nitf_parts(nitf: ET.Element) -> NitfParts:
    """Everything an article needs from an `<nitf>` element whose NITF namespace is already stripped."""
    docdata = nitf.find("head/docdata")
    item_id, version = nitf_item_id(docdata)
    issued = docdata.find("date.issue") if docdata is not None else None
    return NitfParts(
        headline=text_of(nitf.find("body/body.head/hedline/hl1")) or text_of(nitf.find("head/title")),
        body=nitf_body(nitf),
        item_id=item_id,
        version=version,
        language=nitf.get("baselang") or language_of(nitf, nitf.find("body")),
        published_at=parse_datetime(issued.get("norm")) if issued is not None else None,
    )


def parse_nitf(data: bytes, source: str) -> list[RawArticle]:
    """One article from an NITF document.

    >>> [article] = parse_nitf(b'<nitf><head><docdata><doc-id id-string="22751909"/></docdata></head>'
    ...                        b'<body><body.head><hedline><hl1>Cabinet named</hl1></hedline></body.head>'
    ...                        b'<body.content><p>Honduras named its cabinet.</p></body.content></body></nitf>', "efe")
    >>> article.id, article.headline, article.body
    ('nitf:22751909', 'Cabinet named', 'Honduras named its cabinet.')
    """
    root, decoded = parse_xml(data)
    parts = nitf_parts(strip_namespaces(root, NITF_NAMESPACES))
    return [
        make_article(
            item_id=parts.item_id,
            source=source,
            format=ArticleFormat.nitf,
            body=parts.body,
            headline=parts.headline,
            version=parts.version,
            encoding=decoded.encoding,
            language=parts.language,
            published_at=parts.published_at,
        )
    ]
