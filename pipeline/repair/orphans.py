"""What a lone lead byte can stand for after lossy mojibake (UTF-8 read as Latin-1, then C1 deleted).

A two-byte character whose second byte is 0x80-0x9F loses that byte, leaving only its lead byte read as
Latin-1: `č` (C4 8D) becomes `Ä`, `É` (C3 89) becomes `Ã`. Typographic punctuation U+2010-U+201F
(E2 80 90-9F) loses two bytes and leaves a bare `â`. These tables list, per orphan, every character that
could have produced it, computed from the bytes rather than typed in.
"""

from __future__ import annotations

# Lead bytes of Latin-script letters: C3 (Latin-1 capitals, ß), C4 and C5 (Latin Extended-A), C8 (ș, ț).
LETTER_LEAD_BYTES = (0xC3, 0xC4, 0xC5, 0xC8)
PUNCTUATION_ORPHAN = "â"  # E2, the lead byte of U+2000-U+2FFF


def _two_byte_letters(lead: int) -> str:
    """The letters whose UTF-8 form is `lead` followed by a C1 byte.

    >>> _two_byte_letters(0xC3)[:6]
    'ÀÁÂÃÄÅ'
    """
    chars = (bytes([lead, second]).decode("utf-8") for second in range(0x80, 0xA0))
    return "".join(char for char in chars if char.isalpha())


LETTER_CANDIDATES: dict[str, str] = {bytes([lead]).decode("latin-1"): _two_byte_letters(lead) for lead in LETTER_LEAD_BYTES}
"""Orphan letter -> the letters it may stand for, e.g. 'Ä' -> 'ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğ'."""

# The typographic marks a bare `â` may stand for, in the order the decisions below use them.
APOSTROPHE, OPEN_SINGLE, OPEN_DOUBLE, CLOSE_DOUBLE = "\u2019", "\u2018", "\u201c", "\u201d"
EM_DASH, EN_DASH = "\u2014", "\u2013"
PUNCTUATION_CANDIDATES = APOSTROPHE + OPEN_SINGLE + OPEN_DOUBLE + CLOSE_DOUBLE + EM_DASH + EN_DASH

# Characters that cannot survive lossy mojibake: seeing one proves the text was not damaged that way.
# (Latin-1 characters can: the damaged text is Latin-1 itself, with the orphans among its capitals.)
UNREACHABLE_AFTER_LOSS = frozenset(
    char for char in "".join(LETTER_CANDIDATES.values()) + "".join(map(chr, range(0x2010, 0x2020))) if ord(char) > 0xFF
)


# `â` + a Latin-1 char in A1-BF is a three-byte symbol (E2 xx yy) that lost only its middle byte xx:
# the symbols news copy uses, keyed by the surviving last byte yy (`¦` -> `…`, `¬` -> `€`); where two
# share a last byte, the one earlier in this list wins (`¢`: `•` over `™`).
_NEWS_SYMBOLS = "…•€™₹†‡‰′″№₽₺₴‹›→←↑↓−≈≤≥"
SYMBOLS_BY_LAST_BYTE: dict[str, str] = {}
for _symbol in _NEWS_SYMBOLS:
    _last = _symbol.encode("utf-8")[2]
    if _last >= 0xA1:  # a last byte in 80-9F was deleted too, leaving a bare `â`; A0 is NBSP after a dash
        SYMBOLS_BY_LAST_BYTE.setdefault(bytes([_last]).decode("latin-1"), _symbol)
