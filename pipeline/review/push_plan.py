"""Pure planning of a push: what to upload and what to delete, given what doccano holds.

Rules, per document (examples are matched by their `doc_id` metadata):
- no example yet: upload it;
- an example a person touched (confirmed, or annotations differ from what was pushed)
  is never replaced or deleted; untouched copies beside it are deleted;
- otherwise, an untouched example identical to the new one stays; an outdated one is
  replaced (the new one is uploaded first, the old one deleted after);
- examples of documents not in this push are left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pipeline.review.doccano_format import METADATA_KEYS, is_touched


@dataclass
class PushPlan:
    upload: list[dict] = field(default_factory=list)
    delete: list[int] = field(default_factory=list)
    new: list[str] = field(default_factory=list)
    refreshed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    reviewed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{len(self.new)} new, {len(self.refreshed)} refreshed, {len(self.unchanged)} unchanged, "
                f"{len(self.reviewed)} kept as reviewed")


def _same_metadata(example: dict, line: dict) -> bool:
    return all(example.get(key) == line[key] for key in METADATA_KEYS) and example.get("text") == line["text"]


def plan_push(lines: list[dict], existing: list[dict]) -> PushPlan:
    """Plan the upload of `lines` (from `record_to_example`) over the `existing` export."""
    by_doc: dict[str, list[dict]] = {}
    for example in existing:
        by_doc.setdefault(example.get("doc_id"), []).append(example)
    plan = PushPlan()
    for line in lines:
        doc_id = line["doc_id"]
        examples = sorted(by_doc.get(doc_id, []), key=lambda e: e["id"])
        touched = [e for e in examples if is_touched(e)]
        untouched = [e for e in examples if e["id"] not in {t["id"] for t in touched}]
        if touched:
            plan.reviewed.append(doc_id)
            plan.delete.extend(e["id"] for e in untouched)
            if len(touched) > 1:
                plan.warnings.append(f"{doc_id}: {len(touched)} reviewed examples in doccano "
                                     f"(ids {', '.join(str(e['id']) for e in touched)}); delete all but one")
            if any(e.get("text_sha256") != line["text_sha256"] for e in touched):
                plan.warnings.append(f"{doc_id}: the document text changed since it was reviewed; "
                                     "the reviewed example is kept as it is")
            continue
        current = next((e for e in untouched if _same_metadata(e, line)), None)
        if current is not None:
            plan.unchanged.append(doc_id)
            plan.delete.extend(e["id"] for e in untouched if e is not current)
            continue
        plan.upload.append(line)
        plan.delete.extend(e["id"] for e in untouched)
        (plan.refreshed if untouched else plan.new).append(doc_id)
    return plan
