"""Bytes to text, the way wire gateways actually send them: BOMs, UTF-8, Windows-1252 and Latin-1.

`decode_bytes` never raises. Plain UTF-8 is the normal case and records nothing; any other decoding is
returned as a `RepairChange` so that an editor can see how the bytes were read.
"""

from __future__ import annotations

import codecs

import ftfy.bad_codecs  # noqa: F401  (registers 'sloppy-windows-1252': cp1252 that never raises)

from pipeline.models import RepairChange

BOMS = (  # longest first: the UTF-32 LE BOM starts with the UTF-16 LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Charsets that gateways declare for 8-bit copy; what they send is Windows-1252 (ANPA Latin-1 copy included).
EIGHT_BIT_FAMILY = {"latin-1", "iso8859-1", "cp1252", "ascii", "iso8859-15"}
UTF8_FAMILY = {"utf-8", "utf-8-sig"}
SLOPPY_1252 = "sloppy-windows-1252"


def _codec_name(declared: str | None) -> str | None:
    """The canonical codec name of a declared charset, None when absent or unknown.

    >>> _codec_name("ISO-8859-1"), _codec_name("x-unknown"), _codec_name("UTF8")
    ('iso8859-1', None, 'utf-8')
    """
    try:
        return codecs.lookup(declared).name if declared else None
    except LookupError:
        return None


def _cp1252_byte(error: UnicodeDecodeError) -> tuple[str, int]:
    # A byte that is not UTF-8 in otherwise UTF-8 copy was typed in Windows-1252: read just that byte so.
    bad = error.object[error.start : error.start + 1]
    return bad.decode(SLOPPY_1252), error.start + 1


codecs.register_error("newswire-cp1252-byte", _cp1252_byte)


def _change(fix: str, note: str, confidence: float, count: int = 1) -> RepairChange:
    return RepairChange(fix=fix, count=count, confidence=confidence, examples=[note])


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, RepairChange | None]:
    """Decode wire bytes; `declared` (the charset the format or producer states) is only a hint.

    >>> decode_bytes("café".encode())
    ('café', None)
    >>> text, change = decode_bytes(b"\\x93Hi,\\x94 caf\\xe9", declared="ISO-8859-1")
    >>> text, change.fix
    ('“Hi,” café', 'decode_windows_1252')
    >>> decode_bytes(codecs.BOM_UTF8 + b"ok")[0]
    'ok'
    >>> decode_bytes(b"caf\\xc3\\xa9 \\x96 ok")[0]
    'café – ok'
    """
    if data.isascii():
        return data.decode("ascii"), None
    for bom, encoding in BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return text, _change("decode_with_bom", f"byte-order mark: read as {encoding}", 1.0)
    codec = _codec_name(declared)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # valid UTF-8 with non-ASCII bytes is almost never an accident, whatever was declared
        if codec is None or codec in UTF8_FAMILY:
            return text, None
        return text, _change("decode_utf8", f"bytes are valid UTF-8; declared {declared!r} ignored", 0.95)
    if codec in EIGHT_BIT_FAMILY or codec is None and not _mostly_utf8(data):
        note = f"not UTF-8: read as Windows-1252 (declared {declared!r})"
        return data.decode(SLOPPY_1252), _change("decode_windows_1252", note, 0.9)
    if codec is None or codec in UTF8_FAMILY:
        text = data.decode("utf-8", errors="newswire-cp1252-byte")
        note = "UTF-8 with some Windows-1252 bytes: those bytes read as Windows-1252"
        return text, _change("decode_mixed_utf8", note, 0.8)
    text = data.decode(codec, errors="replace")
    return text, _change("decode_declared", f"not UTF-8: read as declared {codec}", 0.9 if "\ufffd" not in text else 0.5)


def _mostly_utf8(data: bytes) -> bool:
    """Whether the non-ASCII bytes are mostly well-formed UTF-8 sequences (a few stray bytes aside).

    >>> _mostly_utf8("café – €".encode() + b"\\x96"), _mostly_utf8(b"caf\\xe9 \\x96")
    (True, False)
    """
    text = data.decode("utf-8", errors="replace")
    well_formed = sum(1 for char in text if ord(char) > 0x7F and char != "\ufffd")
    return well_formed >= text.count("\ufffd")
