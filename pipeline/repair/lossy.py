"""Recovery of lossy mojibake: UTF-8 read as Latin-1, then the C1 characters (U+0080-U+009F) deleted.

The bytes that told `’` from `—` are gone, so each orphan (`â`, `Ã`, `Ä`, `Å`, `È`) is decided from context:
word shapes and a word list for letters and apostrophes, quote-pair balance along each paragraph for
quotes. Where only house style can tell (en or em dash, single or double quotes), the common news style
is chosen: spaced em dashes, double quotes in body copy and single ones in headlines. Nothing is changed unless the document shows the damage (see `shows_lossy_damage`), so genuine
`château`, `România` or `Äpfel` in clean copy are never touched.
"""

from __future__ import annotations

import itertools
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from pipeline.repair.edits import Edit, preview
from pipeline.repair.lexicon import load_lexicon
from pipeline.repair.orphans import (
    APOSTROPHE,
    CLOSE_DOUBLE,
    EM_DASH,
    EN_DASH,
    LETTER_CANDIDATES,
    OPEN_DOUBLE,
    OPEN_SINGLE,
    PUNCTUATION_ORPHAN,
    SYMBOLS_BY_LAST_BYTE,
    UNREACHABLE_AFTER_LOSS,
)

ANY_ORPHAN = re.compile("[âÃÄÅÈ]")
UNREACHABLE = re.compile("[" + "".join(sorted(UNREACHABLE_AFTER_LOSS)) + "]")
# Shapes that genuine text does not produce, each proof of the damage on its own.
DAMAGE_SIGNATURES = re.compile(
    r"(?:^|\s)â(?:\s|$)"                      # spaced dash: `war â and`
    r"|(?:^|[\s(\[])â[A-Z0-9]"                # opening quote: `âThere`
    r"|[.,!?;:]â(?:\s|$)"                     # closing quote after punctuation: `said,â`
    r"|ââ"                                    # quote next to a dash: `warââor`
    r"|(?:[A-Za-z]{2}|[A-Z]\.)â(?:s|ll|re|ve)\b|nât\b|\bIâ[mdv]|sâ\s"  # `Ukraineâs`, `U.S.âs`, `wonât`, `Iâm`
    r"|[\dA-Za-z]â\d"                         # a range or score: `1990â95`, `COVIDâ19`
    r"|(?:^|\s)â[a-z][^â\n]*[a-z]â(?=\s)"    # a quoted phrase: `the âfake newsâ label`
    r"|â[\xa1-\xbf]"                          # a symbol's two surviving bytes: `â¦` for `…`
    r"|[a-zß-öø-ÿ][ÃÄÅÈ]"                     # a capital-looking orphan inside a lower-case word: `VuÄiÄ`
    r"|\bÃ[A-Za-z]",                          # no word starts with a genuine `Ã`: `Ãrni`, `ÃBV`
    re.MULTILINE,
)
ORPHAN_IN_WORD = re.compile("[ÃÄÅÈ][a-z]")
WORD_OF_LETTERS = re.compile(r"[^\W\d_â]+")  # a bare `â` is punctuation until decided otherwise
GENUINE_WORD_ZIPF = 1.5  # a word with an orphan letter that is this common is genuine: `château`
KNOWN_WORD_ZIPF = 2.0  # a repair that makes a word this common is confirmed by the word list
MIN_CONFIDENCE = 0.5  # below this a place is left unchanged and the article flagged
MAX_COMBINATIONS = 4096


@lru_cache(maxsize=8)
def shows_lossy_damage(text: str) -> bool:
    """Whether `text` was damaged the lossy way: a damage signature and nothing that proves otherwise.

    A correctly encoded curly quote, dash or Latin Extended letter cannot survive this damage, so one of
    them means the orphans are genuine letters.

    >>> shows_lossy_damage("Ukraineâs war"), shows_lossy_damage("le château")
    (True, False)
    >>> shows_lossy_damage("Ukraineâs “war”")
    False
    """
    if not ANY_ORPHAN.search(text):  # every signature holds an orphan: a quick no for most copy
        return False
    return DAMAGE_SIGNATURES.search(text) is not None and UNREACHABLE.search(text) is None


# --- letters ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LetterChoice:
    word: str
    confidence: float
    confirmed: bool  # the word list holds the repaired word


def _letter_options(word: str, position: int) -> str:
    """The candidates for the orphan at `position` whose case fits the word around it.

    >>> _letter_options("StraÃe", 4), _letter_options("ÃCOLE", 0)[:4]
    ('ß', 'ÀÁÂÃ')
    """
    others = [char for i, char in enumerate(word) if char.isalpha() and char not in LETTER_CANDIDATES]
    all_caps = bool(others) and all(char.isupper() for char in others)
    want_upper = all_caps or position == 0
    candidates = LETTER_CANDIDATES[word[position]]
    fitting = "".join(char for char in candidates if char.isupper() == want_upper)
    return fitting or candidates


def choose_letters(word: str) -> LetterChoice | None:
    """The most likely repair of a word holding orphan letters, or None when the word is genuine.

    >>> choose_letters("VuÄiÄ")
    LetterChoice(word='Vučić', confidence=1.0, confirmed=True)
    >>> choose_letters("Äpfel") is None
    True
    """
    lexicon = load_lexicon()
    if lexicon.word_zipf(word) >= GENUINE_WORD_ZIPF:
        return None
    positions = [i for i, char in enumerate(word) if char in LETTER_CANDIDATES]
    options = [_letter_options(word, i) for i in positions]
    if math.prod(len(option) for option in options) > MAX_COMBINATIONS:
        return None
    candidates = []
    for letters in itertools.product(*options):
        chars = list(word)
        for i, letter in zip(positions, letters):
            chars[i] = letter
        candidates.append("".join(chars))
    known = {candidate: lexicon.word_zipf(candidate) for candidate in candidates}
    known = {candidate: zipf for candidate, zipf in known.items() if zipf >= KNOWN_WORD_ZIPF}
    if known:
        return _most_likely({candidate: zipf * math.log(10) for candidate, zipf in known.items()}, confirmed=True)
    scores = {candidate: lexicon.letter_logprob(candidate) for candidate in candidates}
    could_be_genuine = all(i == 0 or not word[i - 1].islower() for i in positions)  # `Äpfel`, not `VuÄiÄ`
    if could_be_genuine and lexicon.letter_logprob(word) >= max(scores.values()):
        return None  # the orphan reads better as the letter it is
    return _most_likely(scores, confirmed=False)


def _most_likely(log_scores: dict[str, float], confirmed: bool) -> LetterChoice:
    best = max(log_scores, key=log_scores.get)
    total = sum(math.exp(score - log_scores[best]) for score in log_scores.values())
    return LetterChoice(best, round(1 / total, 3), confirmed)


def restore_lossy_letters(text: str) -> list[Edit]:
    """Restore letters whose second UTF-8 byte was deleted (`Ä` for `č`, `Ã` for `É`, `Å` for `Ł`).

    A repair the word list confirms is made in any text that could have suffered the damage; one the
    letter model alone suggests needs the document to show the damage.

    >>> preview(restore_lossy_letters, "Serbiaâs VuÄiÄ met the Ãcole in Åódź, StraÃe 5")
    'Serbiaâs Vučić met the École in Łódź, Straße 5'
    >>> preview(restore_lossy_letters, "Äpfel aus Ångermanland")
    'Äpfel aus Ångermanland'
    """
    if not any(orphan in text for orphan in LETTER_CANDIDATES) or UNREACHABLE.search(text):
        return []
    damaged = shows_lossy_damage(text)
    edits = []
    for match in WORD_OF_LETTERS.finditer(text):
        word = match.group()
        if not any(orphan in word for orphan in LETTER_CANDIDATES):
            continue
        choice = choose_letters(word)
        # without other signs of damage, only a confirmed word that mixes cases (not `MÄ£ÄM` leetspeak)
        if choice is None or not (damaged or choice.confirmed and not word.isupper()):
            continue
        # in damaged copy an orphan before a lower-case letter (`Ãrni`) is never genuine: any guess is better
        sure = choice.confidence >= MIN_CONFIDENCE or damaged and choice.confirmed and bool(ORPHAN_IN_WORD.search(word))
        for i, (old, new) in enumerate(zip(word, choice.word)):
            if old != new:
                start = match.start() + i
                edits.append(Edit(start, start + 1, new if sure else None, "restore_lossy_letters", choice.confidence))
    return edits


# --- surviving pairs and symbols ------------------------------------------------------------------------

SURVIVING_SEQUENCE = re.compile("[\xc2-\xdf][\xa0-\xbf]|[\xe0-\xef][\xa0-\xbf]{2}")


def decode_surviving_sequences(text: str) -> list[Edit]:
    """Decode the characters whose UTF-8 bytes all survived (`Å«` is `ū`), where ftfy declines to.

    In a document that shows the lossy damage these pairs are certain; ftfy leaves many of them because
    the orphans around them keep the text from decoding as a whole.

    >>> preview(decode_surviving_sequences, "Ukraineâs AbÅ« and Ä°zmir")
    'Ukraineâs Abū and İzmir'
    """
    if not shows_lossy_damage(text):
        return []
    return [
        Edit(match.start(), match.end(), match.group().encode("latin-1").decode("utf-8"), "decode_surviving_sequences")
        for match in SURVIVING_SEQUENCE.finditer(text)
    ]




LOSSY_SYMBOL = re.compile("â[" + "".join(SYMBOLS_BY_LAST_BYTE) + "]")


def restore_lossy_symbols(text: str) -> list[Edit]:
    """Restore three-byte symbols that lost their middle byte: `â¦` is `…`, `â¬` is `€`.

    >>> preview(restore_lossy_symbols, "Iâm waiting â¦ for â¬5")
    'Iâm waiting … for €5'
    """
    symbols = list(LOSSY_SYMBOL.finditer(text))
    if not symbols or not shows_lossy_damage(text):
        return []
    return [Edit(match.start(), match.end(), SYMBOLS_BY_LAST_BYTE[match.group()[1]], "restore_lossy_symbols", 0.9) for match in symbols]


# --- punctuation --------------------------------------------------------------------------------------

OPEN, CLOSE, DASH, INNER = "open", "close", "dash", "inner"
CONTRACTION_ENDINGS = {"s", "ll", "re", "ve", "d", "m"}
ELISIONS = re.compile(r"(?:\d\ds?|em|til|tis|twas|cause|n)\b", re.IGNORECASE)  # ’90s, ’em, rock ’n’ roll
NAME_PREFIXES = {"O", "D", "L", "d", "l"}  # O’Brien, D’Souza, L’Oréal


def _side(char: str | None) -> str:
    """What stands next to an orphan: 'edge', 'space', 'word', 'stop', 'opener' or 'other'.

    >>> [_side(c) for c in (None, " ", "a", "7", ",", "(", "%")]
    ['edge', 'space', 'word', 'word', 'stop', 'opener', 'other']
    """
    if char is None:
        return "edge"
    if char.isspace():
        return "space"
    if char.isalnum() or char in "@#$":  # a handle, hashtag or amount starts like a word
        return "word"
    return {".": "stop", ",": "stop", "!": "stop", "?": "stop", ";": "stop", ":": "stop", "(": "opener", "[": "opener"}.get(
        char, "other"
    )


def _run_shapes(left: str, right: str, length: int) -> list[str]:
    """The roles of a run of `length` bare `â` between a left and a right side (see `_side`).

    >>> _run_shapes("space", "word", 1), _run_shapes("word", "space", 1), _run_shapes("word", "word", 1)
    (['open'], ['close'], ['inner'])
    >>> _run_shapes("word", "word", 2)
    ['close', 'dash']
    """
    opens_after = left in ("edge", "space", "opener")
    closes_before = left in ("word", "stop", "other")
    ends_after = right in ("edge", "space", "stop", "other")
    if length == 1:
        if opens_after and right in ("word", "opener"):
            return [OPEN]
        if closes_before and ends_after:
            return [CLOSE]
        if left == "word" and right == "word":
            return [INNER]
        if left == "stop" and right == "word":
            return [CLOSE]  # `said,âthe`: a closing quote that lost its space is likelier than a dash
        return [DASH]
    if length == 2:
        if opens_after and right == "word":
            return [OPEN, OPEN]
        if closes_before and ends_after:
            return [CLOSE, CLOSE]
        if closes_before and right == "word":
            return [CLOSE, DASH]  # `warââor`: a closed quote, then a dash (or a dash, then a quote: below)
    return [DASH] * length


def _is_word_char(char: str) -> bool:
    return char.isalnum() and char != PUNCTUATION_ORPHAN  # `â` is alphanumeric to Python


def _word_left(text: str, end: int) -> str:
    """The word part just before `end`, stopping at another orphan.

    >>> _word_left("âWeâre", 3)
    'We'
    """
    start = end
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    return text[start:end]


def _word_right(text: str, start: int) -> str:
    end = start
    while end < len(text) and _is_word_char(text[end]):
        end += 1
    return text[start:end]


def _is_word(part: str) -> bool:
    if part.isdigit():
        return True
    if len(part) == 1:
        return part in "aAI"
    return load_lexicon().word_zipf(part) >= KNOWN_WORD_ZIPF or part[:1].isupper()


def decide_inner(left: str, right: str) -> tuple[str | None, float]:
    """Apostrophe, dash or genuine `â` between two word parts (None: keep the `â`).

    >>> decide_inner("Ukraine", "s"), decide_inner("won", "t"), decide_inner("adversaries", "and")
    (('’', 0.97), ('’', 0.97), ('—', 0.9))
    >>> decide_inner("1990", "95"), decide_inner("ch", "teau"), decide_inner("T", "m"), decide_inner("qxj", "zqv")
    (('–', 0.9), (None, 1.0), (None, 1.0), (None, 0.0))
    """
    lexicon = load_lexicon()
    if lexicon.word_zipf(left + "â" + right) >= GENUINE_WORD_ZIPF:
        return None, 1.0
    if left.isdigit() and right.isdigit():
        return EN_DASH, 0.9
    if right == "s" or right == "t" and left.endswith("n"):
        return APOSTROPHE, 0.97
    if right.lower() in CONTRACTION_ENDINGS and lexicon.word_zipf(f"{left}'{right}") >= KNOWN_WORD_ZIPF:
        return APOSTROPHE, 0.95
    if left in NAME_PREFIXES and right[:1].isupper() or lexicon.word_zipf(f"{left}'{right}") >= 2.5:
        return APOSTROPHE, 0.85
    left_word, right_word = _is_word(left), _is_word(right)
    if left_word and right_word:
        return EM_DASH, 0.9
    if left_word or right_word:
        return EM_DASH, 0.7
    return None, 0.0


@dataclass
class _Orphan:
    position: int
    shape: str
    left: str  # the word part before (for inner and closing shapes)
    right: str
    word_follows: bool  # a space, then a word: `studentsâ union`, not `thisâ.`


def _orphans_of_paragraph(text: str, start: int, end: int) -> list[_Orphan]:
    orphans = []
    for match in re.finditer("â+", text[start:end]):
        run_start, run_end = start + match.start(), start + match.end()
        if run_end < len(text) and text[run_end] in SYMBOLS_BY_LAST_BYTE:
            run_end -= 1  # its last `â` belongs to a symbol (`â¦`)
            if run_end == run_start:
                continue
        left = _side(text[run_start - 1] if run_start > start else None)
        right = _side(text[run_end] if run_end < end else None)
        shapes = _run_shapes(left, right, run_end - run_start)
        for offset, shape in enumerate(shapes):
            position = run_start + offset
            word_follows = text[position + 1 : position + 2] == " " and _side(text[position + 2 : position + 3] or None) == "word"
            right_word = _word_right(text, position + 1)
            if shape == CLOSE and right_word == "s":
                shape = INNER  # `the U.S.âs decision`: an abbreviation's possessive
            orphans.append(_Orphan(position, shape, _word_left(text, position), right_word, word_follows))
    return orphans


HEADLINE_END = re.compile(r"[^.!?…:;,\s\"')\]â][\s\"')\]â]*\Z")  # no sentence punctuation at the end


def is_headline(paragraph: str) -> bool:
    """Whether a paragraph reads as a headline: it ends without sentence punctuation.

    >>> is_headline("Trump: âRussian connectionâ"), is_headline("âWe won,â he said.")
    (True, False)
    """
    return HEADLINE_END.search(paragraph) is not None


def _resolve_paragraph(orphans: list[_Orphan], outer: str = OPEN_DOUBLE) -> list[tuple[int, str | None, float]]:
    """Turn shapes into marks, balancing quote pairs: `outer` quotes outside, the other kind inside."""
    inner = OPEN_SINGLE if outer == OPEN_DOUBLE else OPEN_DOUBLE
    decisions = []
    stack: list[str] = []
    for i, orphan in enumerate(orphans):
        if orphan.shape == INNER:
            mark, confidence = decide_inner(orphan.left, orphan.right)
            if mark is None and confidence == 1.0:
                continue  # a genuine `â`
        elif orphan.shape == DASH:
            mark, confidence = EM_DASH, 0.75
        elif _starts_quote_dash_pair(orphans, i) and not stack:
            # `ââ` between words with no quote open: a dash, then an opening quote
            orphans[i + 1].shape = OPEN
            mark, confidence = EM_DASH, 0.7
        elif orphan.shape == OPEN:
            if ELISIONS.match(orphan.right):
                mark, confidence = APOSTROPHE, 0.8
            else:
                mark = inner if stack and stack[-1] == outer else outer
                stack.append(mark)
                confidence = 0.9
        else:
            mark, confidence = _close(orphans, i, stack)
        decisions.append((orphan.position, mark, confidence))
    return decisions


def _starts_quote_dash_pair(orphans: list[_Orphan], i: int) -> bool:
    following = orphans[i + 1] if i + 1 < len(orphans) else None
    return orphans[i].shape == CLOSE and following is not None and following.position == orphans[i].position + 1 and following.shape == DASH


def _close(orphans: list[_Orphan], i: int, stack: list[str]) -> tuple[str, float]:
    orphan = orphans[i]
    if stack and stack[-1] == OPEN_SINGLE:
        stack.pop()
        return APOSTROPHE, 0.9
    if stack:
        later = next((other.shape for other in orphans[i + 1 :] if other.shape in (OPEN, CLOSE)), None)
        if later == CLOSE and (orphan.left.endswith("s") or _drops_g(orphan.left)):
            return APOSTROPHE, 0.7  # `the studentsâ union,â he said`, `stop hatinâ allâ`
        stack.pop()
        return CLOSE_DOUBLE, 0.9
    following = orphans[i + 1] if i + 1 < len(orphans) else None
    if following is not None and following.position == orphan.position + 1 and following.shape == CLOSE:
        return APOSTROPHE, 0.6  # two closing quotes whose openings came earlier: the inner one is single
    if orphan.left.endswith("s") and orphan.word_follows:
        return APOSTROPHE, 0.6  # no quote open: `the Jonesâ house`
    return CLOSE_DOUBLE, 0.6  # its opening quote is in an earlier paragraph


def _drops_g(word: str) -> bool:
    """Whether `word` is a g-dropped form (`hatin` for `hating`), which takes an apostrophe.

    >>> _drops_g("hatin"), _drops_g("Putin")
    (True, False)
    """
    return word.endswith("in") and word[:1].islower() and load_lexicon().word_zipf(word + "g") >= KNOWN_WORD_ZIPF


def restore_lossy_punctuation(text: str) -> list[Edit]:
    """Decide what each bare `â` was: apostrophe, opening or closing quote, em or en dash.

    >>> preview(restore_lossy_punctuation, "âThe âfog of warââor worse,â Toth said of Ukraineâs war.")
    '“The ‘fog of war’—or worse,” Toth said of Ukraine’s war.'
    """
    if PUNCTUATION_ORPHAN not in text or not shows_lossy_damage(text):
        return []
    edits = []
    paragraph_start = 0
    for paragraph_end in itertools.chain((m.start() for m in re.finditer("\n", text)), [len(text)]):
        # headlines quote with single marks, body copy with double ones
        outer = OPEN_SINGLE if is_headline(text[paragraph_start:paragraph_end]) else OPEN_DOUBLE
        orphans = _orphans_of_paragraph(text, paragraph_start, paragraph_end)
        for position, mark, confidence in _resolve_paragraph(orphans, outer):
            sure = mark is not None and confidence >= MIN_CONFIDENCE
            edits.append(Edit(position, position + 1, mark if sure else None, "restore_lossy_punctuation", confidence))
        paragraph_start = paragraph_end + 1
    return edits


LOSSY_FIXES = (restore_lossy_letters, restore_lossy_punctuation)  # symbols go before ftfy: see REPAIR_STEPS


def restore_lossy_mojibake(text: str) -> list[Edit]:
    """All lossy-mojibake fixes, each deciding on the same text (their orphans never overlap).

    >>> preview(restore_lossy_mojibake, "âVuÄiÄâs plan works,â he said.")
    '“Vučić’s plan works,” he said.'
    """
    if not ANY_ORPHAN.search(text):
        return []
    return [edit for fix in LOSSY_FIXES for edit in fix(text)]
