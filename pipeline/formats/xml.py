"""Safe XML for wire formats: decoding by the declared charset (with the real-world traps handled),
parsing only through defusedxml, and small lookups that ignore the namespace games providers play.

Security: entity declarations (billion laughs) and external references (XXE) raise `FormatError`;
nothing is ever expanded or fetched. The one declaration let through is an *external parameter
entity* (`<!ENTITY % nitf SYSTEM "nitf-3-0.dtd"> %nitf;`), the standard NewsML 1.x header that pulls
in the NITF DTD: expat never reads external parameter entities here, so it stays unfetched and inert.
"""

from __future__ import annotations

import codecs
import logging
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import DefusedXMLParser

from pipeline.formats.common import FormatError, collapse_whitespace, decode_single_byte, html_to_text

log = logging.getLogger(__name__)

XML_NS = "http://www.w3.org/XML/1998/namespace"
_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_DECLARATION_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_UNICODE_FAMILY = {"utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"}


@dataclass(frozen=True)
class DecodedXml:
    text: str
    encoding: str
    note: str | None = None  # what was done when the bytes contradicted the declaration


def declared_encoding(data: bytes) -> str | None:
    """The charset named in the XML declaration, if any.

    >>> declared_encoding(b'<?xml version="1.0" encoding="ISO-8859-15"?><NewsML/>')
    'iso-8859-15'
    >>> declared_encoding(b'<rss version="2.0"/>') is None
    True
    """
    match = _DECLARATION.match(data[:200])
    return match.group(1).decode("ascii").lower() if match else None


def _codec_name(label: str) -> str | None:
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def decode_xml(data: bytes) -> DecodedXml:
    """XML bytes to text by BOM, then declaration, then UTF-8. Encoding traps seen on the wire:
    a single-byte declaration over bytes that are valid UTF-8 (decoded as UTF-8: random Latin-1 text is
    practically never valid UTF-8), and no declaration over bytes that are not UTF-8 (decoded as
    Windows-1252/Latin-1). Either way `note` says so.

    >>> decode_xml('<?xml version="1.0" encoding="iso-8859-1"?><p>Dansk: æ</p>'.encode()).note
    'declared iso-8859-1 but the bytes are UTF-8: decoded as UTF-8'
    >>> decoded = decode_xml(b'<rss><title>Not\\xedcias</title></rss>')
    >>> decoded.text, decoded.encoding
    ('<rss><title>Notícias</title></rss>', 'cp1252')
    >>> decode_xml(b'<?xml version="1.0" encoding="windows-1251"?><t>\\xcd\\xee</t>').text[-9:]
    '<t>Но</t>'
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return DecodedXml(data.decode("utf-16"), "utf-16")
    if data.startswith(codecs.BOM_UTF8):  # a BOM outranks the declaration (XML 1.0, appendix F)
        data, declared = data[len(codecs.BOM_UTF8):], "utf-8"
    else:
        declared = declared_encoding(data)
    codec = _codec_name(declared) if declared else "utf-8"
    if codec not in _UNICODE_FAMILY and not data.isascii():
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return DecodedXml(text, "utf-8", f"declared {declared} but the bytes are UTF-8: decoded as UTF-8")
    if codec is not None:
        try:
            return DecodedXml(data.decode(codec), declared or "utf-8")
        except UnicodeDecodeError:
            pass
    text, fallback = decode_single_byte(data)
    return DecodedXml(text, fallback, f"declared {declared or 'utf-8 (by default)'} but the bytes are not: decoded as {fallback}")


class _WireXMLParser(DefusedXMLParser):
    """defusedxml's parser, letting through only external parameter entities (see module docstring)."""

    def defused_entity_decl(self, name, is_parameter_entity, value, base, sysid, pubid, notation_name):
        if is_parameter_entity and value is None:
            return
        super().defused_entity_decl(name, is_parameter_entity, value, base, sysid, pubid, notation_name)


def parse_xml_text(text: str) -> ET.Element:
    """The root element of an XML document given as text; unsafe or malformed XML raises FormatError.

    >>> parse_xml_text('<?xml version="1.0" encoding="iso-8859-1"?><a>é</a>').text
    'é'
    >>> parse_xml_text('<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>')
    Traceback (most recent call last):
    ...
    pipeline.formats.FormatError: XML entity declarations are not allowed (entity 'x')
    """
    # The text is already decoded: the declaration's charset no longer applies to it.
    text = _DECLARATION_TEXT.sub("", text, count=1)
    parser = _WireXMLParser(target=ET.TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True)
    try:
        parser.feed(text)
        return parser.close()
    except EntitiesForbidden as error:
        raise FormatError(f"XML entity declarations are not allowed (entity {error.name!r})") from None
    except ExternalReferenceForbidden as error:
        raise FormatError(f"XML external references are not allowed ({error.sysid!r})") from None
    except DefusedXmlException as error:
        raise FormatError(f"unsafe XML refused: {error}") from None
    except ET.ParseError as error:
        raise FormatError(f"XML is not well-formed: {error}") from None


def parse_xml(data: bytes) -> tuple[ET.Element, DecodedXml]:
    """Decode (see `decode_xml`) and parse XML bytes; logs what was done about an encoding trap.

    >>> root, decoded = parse_xml(b'<?xml version="1.0" encoding="ISO-8859-1"?><nitf>\\xa3 5</nitf>')
    >>> root.text, decoded.encoding
    ('£ 5', 'iso-8859-1')
    """
    decoded = decode_xml(data)
    if decoded.note:
        log.warning("XML encoding: %s", decoded.note)
    return parse_xml_text(decoded.text), decoded


def strip_namespaces(root: ET.Element, namespaces: frozenset[str]) -> ET.Element:
    """Drop the given namespaces from tag names (and attribute names), so one lookup serves documents
    with, without or with re-serialised (`ns0:`) namespaces. Other namespaces stay, so an `atom:link`
    inside RSS is not mistaken for the RSS `link`.

    >>> root = ET.fromstring('<n:nitf xmlns:n="urn:n" xmlns:x="urn:x"><n:p n:id="1"/><x:p/></n:nitf>')
    >>> [element.tag for element in strip_namespaces(root, frozenset({"urn:n"})).iter()]
    ['nitf', 'p', '{urn:x}p']
    >>> root.find("p").attrib
    {'id': '1'}
    """
    prefixes = tuple("{%s}" % namespace for namespace in namespaces)

    def local(name: str) -> str:
        return name.split("}", 1)[1] if name.startswith(prefixes) else name

    for element in root.iter():
        if isinstance(element.tag, str):
            element.tag = local(element.tag)
        if any(key.startswith("{") for key in element.attrib):
            element.attrib = {local(key): value for key, value in element.attrib.items()}
    return root


def local_name(tag: str) -> str:
    """A tag without its namespace.

    >>> local_name("{http://iptc.org/std/nar/2006-10-01/}newsItem"), local_name("nitf")
    ('newsItem', 'nitf')
    """
    return tag.rpartition("}")[2]


def text_of(element: ET.Element | None) -> str | None:
    """All text inside an element, whitespace collapsed; None for a missing or empty element.

    >>> text_of(ET.fromstring("<hl1>Oil <em>edges</em>\\n up</hl1>"))
    'Oil edges up'
    >>> text_of(None) is None
    True
    """
    if element is None:
        return None
    return collapse_whitespace("".join(element.itertext())) or None


def language_of(*elements: ET.Element | None) -> str | None:
    """The first `xml:lang` (or plain `lang`, seen in non-conformant feeds) on the given elements.

    >>> language_of(None, ET.fromstring('<item xml:lang="de"/>'))
    'de'
    """
    for element in elements:
        if element is not None:
            language = element.get(f"{{{XML_NS}}}lang") or element.get("lang")
            if language and language.strip():
                return language.strip()
    return None


def element_text(element: ET.Element) -> str:
    """The text of an element holding (X)HTML or NITF markup, one paragraph per line (see `html_to_text`).

    >>> element_text(ET.fromstring("<body.content><p>One\\n two.</p><p>Three.</p></body.content>"))
    'One two.\\nThree.'
    """
    tail, element.tail = element.tail, None  # tostring() would serialise the text after the element too
    try:
        return html_to_text(ET.tostring(element, encoding="unicode"))
    finally:
        element.tail = tail
