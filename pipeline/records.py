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


def doc_to_record(doc: Doc) -> dict:
    """The annotation record of a processed document."""
    spans = []
    for span in doc.spans.get(ACTORS_KEY, []):
        item = {"label": "ACTOR", "start": span.start_char, "end": span.end_char, "text": span.text,
                "actor_id": span.kb_id_, "actor_type": span.label_}
        if span._.affiliation:
            item["affiliation"] = span._.affiliation
        spans.append(item)
    for span in doc.spans.get(DEMANDS_KEY, []):
        spans.append({"label": "DEMAND", "start": span.start_char, "end": span.end_char,
                      "text": span.text, "demander": span._.demander,
                      "addressees": list(span._.addressees or []), "cue": span._.cue})
    for span in doc.spans.get(RECOMMENDATIONS_KEY, []):
        spans.append({"label": "RECOMMENDATION", "start": span.start_char, "end": span.end_char,
                      "text": span.text, "targets": list(span._.targets or []),
                      "modality": span._.modality})
    for item, span in zip(spans, [*doc.spans.get(ACTORS_KEY, []), *doc.spans.get(DEMANDS_KEY, []),
                                  *doc.spans.get(RECOMMENDATIONS_KEY, [])]):
        item["confidence"] = span._.confidence
        item["source"] = span._.source
    spans.sort(key=lambda s: (s["start"], s["end"], s["label"]))
    return {
        "doc_id": doc._.doc_id,
        "text_sha256": text_sha256(doc.text),
        "n_chars": len(doc.text),
        "segments": segment_summary(doc),
        "spans": spans,
    }
