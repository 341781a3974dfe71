"""pipeline.corpus: canonical text, reading files, listing a corpus, duplicate doc_ids."""

from __future__ import annotations

import os

import pytest

from pipeline.corpus import (
    DocumentError, SourceDocument, canonical_text, iter_corpus, list_corpus, read_document,
    text_sha256,
)
from policy_testkit import write_corpus


@pytest.mark.parametrize("raw, expected", [
    (b"a\r\nb\rc\n", "a\nb\nc\n"),
    ("\ufeffTitle\r\n".encode("utf-8"), "Title\n"),
    # curly quotes, no-break spaces and dashes stay as they are
    ("“NATO” \u00a0–\u2014 ok\n".encode("utf-8"), "“NATO” \u00a0–\u2014 ok\n"),
    # a BOM that is not leading is text, not a marker
    ("a\ufeffb".encode("utf-8"), "a\ufeffb"),
])
def test_canonical_text(raw, expected):
    assert canonical_text(raw) == expected


def test_canonical_text_rejects_invalid_utf8():
    with pytest.raises(UnicodeDecodeError):
        canonical_text(b"\xff\xfe broken")


def test_read_document_gives_doc_id_and_canonical_text(tmp_path):
    path = tmp_path / "statement-2021.txt"
    path.write_bytes("\ufeffTitle\r\n\r\nRussia \U0001F600 NATO.\r\n".encode("utf-8"))
    doc = read_document(path)
    assert isinstance(doc, SourceDocument)
    assert doc.doc_id == "statement-2021"
    assert doc.text == "Title\n\nRussia \U0001F600 NATO.\n"
    assert doc.sha256 == text_sha256(doc.text)
    # offsets are code points: the emoji is one character
    assert doc.text.index("NATO") == 16


def _bad(tmp_path, kind):
    if kind == "empty":
        path = tmp_path / "empty.txt"
        path.write_bytes(b"")
        return path, "empty file"
    if kind == "whitespace":
        path = tmp_path / "blank.txt"
        path.write_bytes(b"  \n\r\n\t\n")
        return path, "empty file"
    if kind == "binary":
        path = tmp_path / "image.txt"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
        return path, "binary file"
    if kind == "invalid-utf8":
        path = tmp_path / "latin1.txt"
        path.write_bytes("Title\n\nDéclaration de la Présidence.\n".encode("latin-1"))
        return path, "not valid UTF-8"
    if kind == "too-large":
        path = tmp_path / "dump.txt"
        with open(path, "wb") as handle:
            handle.truncate(50 * 1024 * 1024)  # sparse: instant, no disk used
        return path, "too large"
    if kind == "directory":
        path = tmp_path / "folder.txt"
        path.mkdir()
        return path, "is a directory"
    if kind == "broken-link":
        path = tmp_path / "moved.txt"
        path.symlink_to(tmp_path / "gone" / "moved.txt")
        return path, "broken symbolic link"
    if kind == "fifo":
        path = tmp_path / "pipe.txt"
        os.mkfifo(path)
        return path, "not a regular file"
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["empty", "whitespace", "binary", "invalid-utf8", "too-large",
                                  "directory", "broken-link", "fifo"])
def test_read_document_errors_are_one_line_naming_the_file(tmp_path, kind):
    path, problem = _bad(tmp_path, kind)
    with pytest.raises(DocumentError) as err:
        read_document(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


def test_read_document_limit_is_a_parameter(tmp_path):
    path = tmp_path / "small.txt"
    path.write_text("Title\n\nSome text.\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="too large"):
        read_document(path, max_bytes=5)
    assert read_document(path, max_bytes=1000).doc_id == "small"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_read_document_permission_denied(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("Title\n\nText.\n", encoding="utf-8")
    path.chmod(0)
    try:
        with pytest.raises(DocumentError, match="permission denied"):
            read_document(path)
    finally:
        path.chmod(0o644)


def test_list_corpus_reads_subfolders_sorted_by_doc_id(tmp_path):
    write_corpus(tmp_path, {"zeta.txt": "Z", "b/alpha.txt": "A", "a/mid.txt": "M", "notes.md": "no",
                            ".git/ignored.txt": "hidden", "c/.draft.txt": "hidden"})
    paths = list_corpus(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == ["b/alpha.txt", "a/mid.txt", "zeta.txt"]


def test_list_corpus_keeps_entries_that_are_not_files_for_their_error_line(tmp_path):
    write_corpus(tmp_path, {"good.txt": "Title\n\nText.\n"})
    (tmp_path / "dir.txt").mkdir()
    (tmp_path / "link.txt").symlink_to(tmp_path / "missing")
    assert {p.name for p in list_corpus(tmp_path)} == {"good.txt", "dir.txt", "link.txt"}


def test_list_corpus_single_file(tmp_path):
    path = write_corpus(tmp_path, {"one.txt": "Title\n\nText.\n"}) / "one.txt"
    assert list_corpus(path) == [path]


@pytest.mark.parametrize("files", [{}, {"readme.md": "x", "data.csv": "a,b"}])
def test_list_corpus_without_txt_files(tmp_path, files):
    write_corpus(tmp_path, files)
    with pytest.raises(DocumentError) as err:
        list_corpus(tmp_path)
    assert str(err.value) == f"{tmp_path}: no .txt files in the corpus folder"


def test_list_corpus_missing_folder(tmp_path):
    with pytest.raises(DocumentError, match="no such corpus folder"):
        list_corpus(tmp_path / "nope")


def test_duplicate_doc_id_first_wins(tmp_path):
    write_corpus(tmp_path, {"a/x.txt": "First\n\nOne.\n", "b/x.txt": "Second\n\nTwo.\n",
                            "y.txt": "Other\n\nThree.\n"})
    items = list(iter_corpus(list_corpus(tmp_path)))
    docs = [i for i in items if isinstance(i, SourceDocument)]
    errors = [str(i) for i in items if isinstance(i, DocumentError)]
    assert [(d.doc_id, d.text.split("\n")[0]) for d in docs] == [("x", "First"), ("y", "Other")]
    assert errors == [f"{tmp_path / 'b' / 'x.txt'}: duplicate doc_id 'x' "
                      f"(already given by {tmp_path / 'a' / 'x.txt'}); skipped"]


def test_duplicate_of_an_unreadable_file_is_still_a_duplicate(tmp_path):
    # the first file claims the doc_id even though it fails: no silent substitution
    write_corpus(tmp_path, {"a/x.txt": b"", "b/x.txt": "Second\n\nTwo.\n"})
    items = list(iter_corpus(list_corpus(tmp_path)))
    assert all(isinstance(i, DocumentError) for i in items)
    assert "empty file" in str(items[0]) and "duplicate doc_id" in str(items[1])


def test_iter_corpus_passes_the_size_limit(tmp_path):
    write_corpus(tmp_path, {"a.txt": "Title\n\n" + "word " * 100})
    (item,) = iter_corpus(list_corpus(tmp_path), max_bytes=50)
    assert isinstance(item, DocumentError) and "too large" in str(item)
