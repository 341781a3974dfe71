"""Local files of the review round trip: document texts, predictions, gold files."""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path

from ..corpus import canonical_text, text_sha256  # noqa: F401  (text_sha256 is used by callers)
from ..export import atomic_write_text


def read_canonical_text(path: Path) -> str:
    """The canonical text of a file (see ``pipeline.corpus``)."""
    return canonical_text(Path(path).read_bytes())


def pipeline_version() -> str:
    """The installed pipeline's version, stored with every pushed example."""
    try:
        return metadata.version("policy-pipeline")
    except metadata.PackageNotFoundError:
        return "unknown"


def document_text(doc_id: str, corpus: Path, texts: Path) -> tuple[Path, str] | None:
    """The text of a document from the corpus, else from the gold texts folder."""
    for folder in (corpus, texts):
        path = Path(folder) / f"{doc_id}.txt"
        if path.is_file():
            return path, read_canonical_text(path)
    return None


write_atomic = atomic_write_text


def gold_json(record: dict) -> str:
    """A gold file's content, formatted like seed-gold.json."""
    return json.dumps(record, ensure_ascii=False, indent=1) + "\n"


def write_gold(record: dict, gold_dir: Path, *, now: datetime | None = None) -> str:
    """Write `gold_dir/<doc_id>.json`, keeping a replaced file in `gold_dir/.history/`.

    Returns:
        "new", "unchanged" or "replaced".
    """
    path = Path(gold_dir) / f"{record['doc_id']}.json"
    content = gold_json(record)
    if not path.exists():
        write_atomic(path, content)
        return "new"
    if path.read_text(encoding="utf-8") == content:
        return "unchanged"
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    history = Path(gold_dir) / ".history"
    history.mkdir(parents=True, exist_ok=True)
    kept = history / f"{record['doc_id']}.{stamp}.json"
    n = 1
    while kept.exists():
        kept = history / f"{record['doc_id']}.{stamp}-{n}.json"
        n += 1
    shutil.copy2(path, kept)
    write_atomic(path, content)
    return "replaced"
