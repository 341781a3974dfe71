"""The bad-input cases of issue 2, each building one bad entry in a corpus folder.

Shared by test_extract.py (the function) and test_cli.py (the command line).
"""

from __future__ import annotations

import os
from pathlib import Path

from policy_testkit import document

GOOD = document("The EU calls on Russia to withdraw its troops from the border.",
                "Poland should strengthen its eastern border.", title="Good Document", date="2021-12-15")


def _empty(corpus: Path) -> Path:
    path = corpus / "empty.txt"
    path.write_bytes(b"")
    return path


def _binary(corpus: Path) -> Path:
    path = corpus / "scan.txt"
    path.write_bytes(b"%PDF-1.7\n\x00\x01\x02" + bytes(range(256)) * 4)
    return path


def _invalid_utf8(corpus: Path) -> Path:
    path = corpus / "latin1.txt"
    path.write_bytes("Déclaration\n\nLa Présidence appelle la Russie à se retirer.\n".encode("cp1252"))
    return path


def _too_large(corpus: Path) -> Path:
    path = corpus / "dump.txt"
    with open(path, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: instant and no disk used
    return path


def _duplicate(corpus: Path) -> Path:
    (corpus / "a").mkdir()
    (corpus / "b").mkdir()
    (corpus / "a" / "note.txt").write_text(document("NATO met.", title="First Note"), encoding="utf-8")
    path = corpus / "b" / "note.txt"
    path.write_text(document("The EU met.", title="Second Note"), encoding="utf-8")
    return path


def _unreadable(corpus: Path) -> Path:
    # tests run as root, which reads any file whatever its mode: a link to a file
    # that is gone is a real file that cannot be read
    path = corpus / "moved.txt"
    path.symlink_to(corpus / "archive" / "moved.txt")
    return path


def _directory(corpus: Path) -> Path:
    path = corpus / "annex.txt"
    path.mkdir()
    return path


def _fifo(corpus: Path) -> Path:
    path = corpus / "stream.txt"
    os.mkfifo(path)
    return path


#: case → (builder, what the error line must say)
BAD_INPUTS = {
    "empty": (_empty, "empty file"),
    "binary": (_binary, "binary file"),
    "invalid-utf8": (_invalid_utf8, "not valid UTF-8"),
    "50-MB": (_too_large, "too large (52.4 MB; the limit is 10 MB)"),
    "duplicate-doc_id": (_duplicate, "duplicate doc_id 'note'"),
    "unreadable": (_unreadable, "cannot be read"),
    "directory": (_directory, "is a directory"),
    "fifo": (_fifo, "not a regular file"),
}
