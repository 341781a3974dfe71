"""UD CoNLL-U to spaCy DocBin, through spaCy's own CoNLL-U converter.

The converter keeps the treebank's syntactic words (`don't` -> `do` + `n't`, as
spaCy's English tokenizer splits them) and groups `n_sents` sentences per `Doc`,
so the parser also learns where sentences end.
"""

from pathlib import Path

from spacy.tokens import DocBin
from spacy.training.converters import conllu_to_docs

from . import BaseModelError


def read_conllu(path: Path, *, limit: int = 0) -> str:
    """Read a CoNLL-U file, keeping only its first `limit` sentences when `limit` > 0.

    Raises:
        BaseModelError: the file is missing, unreadable, not UTF-8 or holds no sentence.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaseModelError(f"{path}: no such CoNLL-U file (set UD_DIR to a UD English-EWT folder)") from None
    except (OSError, UnicodeDecodeError) as err:
        raise BaseModelError(f"{path}: cannot read as UTF-8 CoNLL-U ({err})") from None
    sentences = [block for block in text.strip().split("\n\n") if block.strip()]
    if not any(line[:1].isdigit() for block in sentences for line in block.splitlines()):
        raise BaseModelError(f"{path}: no CoNLL-U token lines found")
    if limit > 0:
        sentences = sentences[:limit]
    return "\n\n".join(sentences) + "\n"


def convert_conllu(src: Path, dest: Path, *, n_sents: int = 10, limit: int = 0) -> tuple[int, int]:
    """Convert a CoNLL-U file into a `.spacy` DocBin.

    Args:
        src: the CoNLL-U file (one UD split).
        dest: the `.spacy` file to write; written atomically.
        n_sents: sentences per `Doc`.
        limit: keep only the first `limit` sentences (0 keeps all); for smoke runs.

    Returns:
        The number of sentences and tokens written.
    """
    conllu = read_conllu(src, limit=limit)
    try:
        docs = list(conllu_to_docs(conllu, n_sents=n_sents, no_print=True))
    except ValueError as err:
        raise BaseModelError(f"{src}: malformed CoNLL-U ({err})") from None
    n_sentences = sum(1 for doc in docs for _ in doc.sents)
    n_tokens = sum(len(doc) for doc in docs)
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    DocBin(docs=docs, store_user_data=False).to_disk(partial)
    partial.replace(dest)
    return n_sentences, n_tokens
