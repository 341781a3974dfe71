"""Custom attributes, declared in one place.

They hold plain values (str, float, lists of str) so that ``DocBin(store_user_data=True)``
and ``nlp.pipe(n_process>1)`` carry them. Span values are stored per character
offsets, so spans of different groups with the same offsets share them.
"""

from spacy.tokens import Doc, Span

DOC_ATTRS = {
    "doc_id": None,       # file name without .txt
    "path": None,         # where the text came from
    "title": None,
    "number": None,
    "date": None,         # ISO YYYY-MM-DD
    "affiliations": None,  # {person actor id: affiliation id}
}
SPAN_ATTRS = {
    "confidence": None,   # 0-1
    "source": None,       # rule | model | human
    "cue": None,          # demand cue
    "demander": None,     # demand: actor id
    "addressees": None,   # demand: list of actor ids
    "targets": None,      # recommendation: list of actor ids
    "modality": None,     # recommendation: the modal cue
    "conditional": None,  # demand or recommendation under a condition
    "affiliation": None,  # person mention: affiliation id
}


def register_extensions() -> None:
    for name, default in DOC_ATTRS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_ATTRS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)


register_extensions()
