"""``Doc`` → annotation record: the format of the gold files (seed-gold.json).

Predictions and gold share this one format, so evaluation, doccano review and
the tables all read the same thing.
"""

from __future__ import annotations

from collections import Counter

from spacy.tokens import Doc

from .components.actors import ACTORS_KEY
from .components.demands import DEMANDS_KEY
from .components.recommendations import RECOMMENDATIONS_KEY
from .components.segmenter import SEGMENTS_KEY
from .corpus import text_sha256


def segment_summary(doc: Doc) -> dict:
    segments = list(doc.spans.get(SEGMENTS_KEY, []))
    first = {kind: next((s.text for s in segments if s.label_ == kind), None)
             for kind in ("title", "number", "caption")}
    paragraphs = [s for s in segments if s.label_ == "paragraph"]
    return {
        "title": doc._.title,
        "number": doc._.number,
        "date": doc._.date,
        "caption": first["caption"],
        "headings": [s.kb_id_ for s in segments if s.label_ == "heading"],
        "n_paragraphs": len(paragraphs),
        "section_paragraphs": dict(Counter(s.kb_id_ for s in paragraphs)),
    }


def doc_to_record(doc: Doc, text: str | None = None, values: dict[str, list[tuple]] | None = None) -> dict:
    """The annotation record of a processed document (``text``: ``doc.text``, when the
    caller already has it; ``values``: ``tables.doc_span_values(doc)``, likewise)."""
    from .tables import doc_span_values

    text = doc.text if text is None else text
    values = doc_span_values(doc) if values is None else values
    spans = []
    for start, end, label, actor_id, affiliation, confidence, source in values[ACTORS_KEY]:
        item = {"label": "ACTOR", "start": start, "end": end, "text": text[start:end],
                "actor_id": actor_id, "actor_type": label}
        if affiliation:
            item["affiliation"] = affiliation
        item["confidence"], item["source"] = confidence, source
        spans.append(item)
    for start, end, _, _, demander, addressees, cue, _, confidence, source in values[DEMANDS_KEY]:
        spans.append({"label": "DEMAND", "start": start, "end": end, "text": text[start:end],
                      "demander": demander, "addressees": list(addressees or []), "cue": cue,
                      "confidence": confidence, "source": source})
    for start, end, _, _, targets, modality, _, confidence, source in values[RECOMMENDATIONS_KEY]:
        spans.append({"label": "RECOMMENDATION", "start": start, "end": end, "text": text[start:end],
                      "targets": list(targets or []), "modality": modality,
                      "confidence": confidence, "source": source})
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return {
        "doc_id": doc._.doc_id,
        "text_sha256": text_sha256(text),
        "n_chars": len(text),
        "segments": segment_summary(doc),
        "spans": spans,
    }
