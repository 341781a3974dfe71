"""Reading corpus files into canonical text, with one clear error per bad file.

The canonical text is the contract for every offset in the project (see the
annotation guide): the file decoded as UTF-8, a leading BOM removed, ``\\r\\n``
and ``\\r`` turned into ``\\n``, nothing else changed.
"""

from __future__ import annotations

import hashlib
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

#: Files larger than this are refused: a policy document is a few hundred KB at most,
#: and a 50 MB "document" is almost certainly a mistake (a dump, a binary).
MAX_BYTES = 10_000_000


class DocumentError(ValueError):
    """A corpus file that cannot be processed; the message names the file and the problem."""


@dataclass(frozen=True)
class SourceDocument:
    """One corpus file as canonical text."""

    doc_id: str
    path: Path
    text: str

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e6:.3g} MB" if n_bytes >= 1e6 else f"{n_bytes / 1e3:.3g} kB"


def text_sha256(text: str) -> str:
    """The sha256 hex digest of a canonical text, encoded as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_text(raw: bytes) -> str:
    """Decode file bytes into canonical text.

    Raises:
        UnicodeDecodeError: when the bytes are not valid UTF-8.
    """
    text = raw.decode("utf-8")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _check_content(path: Path, raw: bytes) -> str:
    if not raw.strip():
        raise DocumentError(f"{path}: empty file")
    if b"\x00" in raw[:8192]:
        raise DocumentError(f"{path}: binary file (NUL bytes), expected UTF-8 text")
    try:
        text = canonical_text(raw)
    except UnicodeDecodeError as err:
        raise DocumentError(
            f"{path}: not valid UTF-8 (byte {err.start}: {raw[err.start:err.start + 1]!r})"
        ) from None
    if not text.strip():
        raise DocumentError(f"{path}: no text (only whitespace)")
    return text


def read_document(path: Path, *, max_bytes: int = MAX_BYTES) -> SourceDocument:
    """Read one corpus file.

    Raises:
        DocumentError: with a one-line message naming the file and the problem.
    """
    path = Path(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise DocumentError(f"{path}: is a directory, expected a .txt file")
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or a device would block or never end
            raise DocumentError(f"{path}: not a regular file, expected a .txt file")
        if info.st_size > max_bytes:
            raise DocumentError(
                f"{path}: too large ({_size(info.st_size)}; the limit is {_size(max_bytes)})"
            )
        raw = path.read_bytes()
    except PermissionError:
        raise DocumentError(f"{path}: cannot be read (permission denied)") from None
    except FileNotFoundError:
        what = "broken symbolic link" if path.is_symlink() else "no such file"
        raise DocumentError(f"{path}: cannot be read ({what})") from None
    except OSError as err:
        raise DocumentError(f"{path}: cannot be read ({err.strerror or err})") from None
    return SourceDocument(doc_id=path.stem, path=path, text=_check_content(path, raw))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def list_corpus(corpus: Path) -> list[Path]:
    """The ``.txt`` files of a corpus folder and its subfolders (or a single file).

    Sorted by ``doc_id`` (the file name without ``.txt``), then by path, so that
    rows come out in ``doc_id`` order and, of two files giving the same
    ``doc_id`` (``a/x.txt`` and ``b/x.txt``), the first by path wins. Hidden
    files and folders (``.git``, staging folders) are skipped. Entries that
    are not readable files (a folder or a broken link named ``x.txt``) are
    listed too, so that each gets its own error line.

    Raises:
        DocumentError: when the folder does not exist or holds no ``.txt`` file.
    """
    corpus = Path(corpus)
    if corpus.is_file():
        return [corpus]
    if not corpus.is_dir():
        raise DocumentError(f"{corpus}: no such corpus folder")
    paths = [p for p in corpus.rglob("*.txt") if not _hidden(p, corpus)]
    if not paths:
        raise DocumentError(f"{corpus}: no .txt files in the corpus folder")
    return sorted(paths, key=lambda p: (p.stem, p.relative_to(corpus).parts))


def iter_corpus(paths: list[Path], *, max_bytes: int = MAX_BYTES) -> Iterator[SourceDocument | DocumentError]:
    """Yield each document, or the error that stops it; a later file with a
    ``doc_id`` already seen is an error (the first one wins)."""
    seen: dict[str, Path] = {}
    for path in paths:
        doc_id = path.stem
        if doc_id in seen:
            yield DocumentError(
                f"{path}: duplicate doc_id {doc_id!r} (already given by {seen[doc_id]}); skipped"
            )
            continue
        # the first file claims the doc_id even when it turns out unreadable
        seen[doc_id] = path
        try:
            yield read_document(path, max_bytes=max_bytes)
        except DocumentError as err:
            yield err
