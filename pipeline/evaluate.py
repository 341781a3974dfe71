"""Scoring predictions against gold records, as ANNOTATION_GUIDE.md ("Scoring") says.

- Spans match by overlap, label by label: a gold span is found when predicted
  spans of its label cover at least half of its characters; a predicted span is
  correct when gold spans of its label cover at least half of its characters.
- ACTOR spans also need the right id at the root; the per-document set of
  actor ids is scored separately.
- For found DEMANDs: demander accuracy and addressee-set F1; for found
  RECOMMENDATIONs: target-set F1 — all at the root of the ids.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from dataclasses import dataclass, field

from .resources import root_of

LABELS = ("ACTOR", "DEMAND", "RECOMMENDATION")


def _root(span: dict) -> str:
    return root_of(span["actor_id"], span.get("affiliation"))


def _covered(span: dict, others: list[dict]) -> int:
    """Characters of ``span`` covered by the union of ``others``."""
    chars = set()
    for other in others:
        lo, hi = max(span["start"], other["start"]), min(span["end"], other["end"])
        if hi > lo:
            chars.update(range(lo, hi))
    return len(chars)


def _half(span: dict, others: list[dict]) -> bool:
    length = span["end"] - span["start"]
    return length > 0 and 2 * _covered(span, others) >= length


def _best_overlap(span: dict, others: list[dict]) -> dict | None:
    best, best_len = None, 0
    for other in others:
        overlap = min(span["end"], other["end"]) - max(span["start"], other["start"])
        if overlap > best_len:
            best, best_len = other, overlap
    return best


def _set_f1(gold: set[str], pred: set[str]) -> float:
    if not gold and not pred:
        return 1.0
    tp = len(gold & pred)
    if tp == 0:
        return 0.0
    p, r = tp / len(pred), tp / len(gold)
    return 2 * p * r / (p + r)


def _roots(ids: list[str] | None, affiliations: dict[str, str]) -> set[str]:
    return {root_of(i, affiliations.get(i)) for i in ids or [] if i}


@dataclass
class Counts:
    """Counts that add up across documents (micro-average)."""

    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    pred: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    correct: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    actor_span_found: int = 0
    actor_id_right: int = 0
    set_tp: int = 0
    set_gold: int = 0
    set_pred: int = 0
    demander_right: int = 0
    demands_found: int = 0
    addressee_f1_sum: float = 0.0
    recs_found: int = 0
    target_f1_sum: float = 0.0

    def add(self, other: "Counts") -> None:
        for name in ("gold", "found", "pred", "correct"):
            for key, value in getattr(other, name).items():
                getattr(self, name)[key] += value
        for name in ("actor_span_found", "actor_id_right", "set_tp", "set_gold", "set_pred",
                     "demander_right", "demands_found", "addressee_f1_sum", "recs_found",
                     "target_f1_sum"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def metrics(self) -> dict:
        out: dict[str, dict | float | None] = {}
        for label in LABELS:
            g, f, p, c = self.gold[label], self.found[label], self.pred[label], self.correct[label]
            precision = c / p if p else (1.0 if not g else 0.0)
            recall = f / g if g else (1.0 if not p else 0.0)
            f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
            out[label] = {"precision": round(precision, 4), "recall": round(recall, 4),
                          "f1": round(f1, 4), "n_gold": g, "n_pred": p}
        sp = self.set_tp / self.set_pred if self.set_pred else 0.0
        sr = self.set_tp / self.set_gold if self.set_gold else 0.0
        out["actor_id_accuracy"] = _ratio(self.actor_id_right, self.actor_span_found)
        out["actor_set"] = {"precision": round(sp, 4), "recall": round(sr, 4),
                            "f1": round(2 * sp * sr / (sp + sr), 4) if sp + sr else 0.0}
        out["demander_accuracy"] = _ratio(self.demander_right, self.demands_found)
        out["addressee_f1"] = _ratio(self.addressee_f1_sum, self.demands_found)
        out["target_f1"] = _ratio(self.target_f1_sum, self.recs_found)
        return out


def _ratio(a: float, b: int) -> float | None:
    return round(a / b, 4) if b else None


def score_document(gold: dict, pred: dict) -> Counts:
    """Counts for one document: gold and predicted records in the seed-gold format."""
    counts = Counts()
    affiliations = {s["actor_id"]: s["affiliation"] for rec in (gold, pred)
                    for s in rec["spans"] if s.get("label") == "ACTOR" and s.get("affiliation")}
    by_label = {lab: ([s for s in gold["spans"] if s["label"] == lab],
                      [s for s in pred["spans"] if s["label"] == lab]) for lab in LABELS}
    for label, (g_spans, p_spans) in by_label.items():
        counts.gold[label] += len(g_spans)
        counts.pred[label] += len(p_spans)
        for g in g_spans:
            if label == "ACTOR":
                same = [p for p in p_spans if _root(p) == _root(g)]
                counts.found[label] += _half(g, same)
                if _half(g, p_spans):
                    counts.actor_span_found += 1
                    best = _best_overlap(g, p_spans)
                    counts.actor_id_right += best is not None and _root(best) == _root(g)
                continue
            if not _half(g, p_spans):
                continue
            counts.found[label] += 1
            best = _best_overlap(g, p_spans)
            if label == "DEMAND":
                counts.demands_found += 1
                counts.demander_right += bool(best and _roots([best.get("demander")], affiliations)
                                              == _roots([g.get("demander")], affiliations))
                counts.addressee_f1_sum += _set_f1(_roots(g.get("addressees"), affiliations),
                                                   _roots(best.get("addressees") if best else [], affiliations))
            else:
                counts.recs_found += 1
                counts.target_f1_sum += _set_f1(_roots(g.get("targets"), affiliations),
                                                _roots(best.get("targets") if best else [], affiliations))
        for p in p_spans:
            if label == "ACTOR":
                counts.correct[label] += _half(p, [g for g in g_spans if _root(g) == _root(p)])
            else:
                counts.correct[label] += _half(p, g_spans)
    gold_ids = {s["actor_id"] for s in by_label["ACTOR"][0]}
    pred_ids = {s["actor_id"] for s in by_label["ACTOR"][1]}
    counts.set_tp, counts.set_gold, counts.set_pred = len(gold_ids & pred_ids), len(gold_ids), len(pred_ids)
    return counts


def format_table(rows: dict[str, dict]) -> str:
    """A plain-text table: one row per document (and the micro-average)."""
    header = ["document", "ACTOR F1", "DEMAND F1", "REC F1", "id acc", "set F1",
              "demander", "addressee F1", "target F1"]
    lines = [header]
    for name, m in rows.items():
        def f(x):
            return "-" if x is None else f"{x:.3f}"
        lines.append([name, f(m["ACTOR"]["f1"]), f(m["DEMAND"]["f1"]), f(m["RECOMMENDATION"]["f1"]),
                      f(m["actor_id_accuracy"]), f(m["actor_set"]["f1"]), f(m["demander_accuracy"]),
                      f(m["addressee_f1"]), f(m["target_f1"])])
    widths = [max(len(r[i]) for r in lines) for i in range(len(header))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in lines)


def find_text(doc_id: str, text_dirs: list[Path]) -> Path | None:
    """The text of a gold document: ``<folder>/<doc_id>.txt``, else the first such
    file in a subfolder (corpus folders are read with their subfolders)."""
    for folder in text_dirs:
        candidate = Path(folder) / f"{doc_id}.txt"
        if candidate.is_file():
            return candidate
    for folder in text_dirs:
        if Path(folder).is_dir():
            found = sorted(p for p in Path(folder).rglob(f"{doc_id}.txt") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(folder).parts))
            if found:
                return found[0]
    return None


def evaluate(gold: Path, out: Path, *, text_dirs: list[Path], nlp=None,
             report=print, report_error=None) -> dict:
    """Run the pipeline on the text of every gold file and score it.

    Writes ``out/metrics.json`` (per document and micro-averaged) and returns it.
    A gold file that cannot be scored (bad JSON, no text, a text that changed)
    gets one line through ``report_error`` (default ``report``) and is skipped.

    Raises:
        FileNotFoundError: when there is no gold file.
    """
    from .export import atomic_write_text
    from .nlp import load_pipeline
    from .records import doc_to_record

    report_error = report_error or report
    documents = load_gold_documents(gold, text_dirs, report_error)
    nlp = nlp or load_pipeline()
    total, rows = Counts(), {}
    for doc_id, record, text in documents:
        doc = nlp(text)
        doc._.doc_id = doc_id
        counts = score_document(record, doc_to_record(doc))
        total.add(counts)
        rows[doc_id] = counts.metrics()
    rows["MICRO"] = total.metrics()
    metrics = {"documents": {k: v for k, v in rows.items() if k != "MICRO"}, "micro": rows["MICRO"]}
    atomic_write_text(Path(out) / "metrics.json", json.dumps(metrics, indent=2))
    report(format_table(rows))
    return metrics


# -- side by side: every layer present, dev/test, out-of-fold for the trained layer ------

#: The pipelines `make evaluate` compares, in order.
COMPARED = (("rules",), ("rules", "syntax"), ("rules", "syntax", "trained"))
SPLITS = Path("annotations") / "splits.json"


def read_splits(path: Path | None) -> dict[str, str]:
    """doc_id → split name ("dev", "test") from annotations/splits.json ({} when absent)."""
    if path is None or not Path(path).is_file():
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValueError(f"{path}: not a splits file ({type(err).__name__}: {err})") from None
    return {doc_id: name for name in ("dev", "test") for doc_id in data.get(name, []) or []}


def load_gold_documents(gold: Path, text_dirs: list[Path], report_error) -> list[tuple[str, dict, str]]:
    """(doc_id, gold record, canonical text) of every usable gold file; the others get one line."""
    from .corpus import DocumentError, read_document

    gold = Path(gold)
    files = sorted(gold.glob("*.json")) if gold.is_dir() else [gold]
    files = [f for f in files if f.is_file()]
    if not files:
        raise FileNotFoundError(f"{gold}: no gold files (*.json)")
    out = []
    for path in files:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            doc_id = record["doc_id"]
        except (json.JSONDecodeError, UnicodeDecodeError, KeyError, TypeError) as err:
            report_error(f"error: {path}: not a gold record ({type(err).__name__}: {err})")
            continue
        text_path = find_text(doc_id, text_dirs)
        if text_path is None:
            report_error(f"error: {path}: no text for doc_id {doc_id!r} in {', '.join(map(str, text_dirs))}")
            continue
        try:
            source = read_document(text_path)
        except DocumentError as err:
            report_error(f"error: {path}: {err}")
            continue
        if source.sha256 != record.get("text_sha256", source.sha256):
            report_error(f"error: {path}: text {text_path} does not match the gold file's text_sha256")
            continue
        out.append((doc_id, record, source.text))
    return out


def _fold_models(trained: Path) -> dict[str, Path]:
    """doc_id → the cross-validation model that did not see it (``<trained>/../folds``)."""
    folds = {}
    for meta_path in sorted((Path(trained).parent / "folds").glob("fold-*/meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        for doc_id in meta.get("policy_held_out", []):
            folds[doc_id] = meta_path.parent
    return folds


def _trained_dir(trained: Path | None) -> tuple[Path | None, str | None]:
    """The trained layer's folder, or None and why it is skipped."""
    import os

    from .nlp import TRAINED_ENV_VAR, TRAINED_MODEL

    setting = os.environ.get(TRAINED_ENV_VAR, "").strip()
    if trained is None and setting.lower() == "none":
        return None, f"{TRAINED_ENV_VAR}=none"
    path = Path(trained or setting or TRAINED_MODEL)
    if not (path / "config.cfg").exists():
        return None, f"no trained model at {path} (`make train` builds one)"
    return path, None


def compare(gold: Path, out: Path, *, text_dirs: list[Path], splits: Path | None = SPLITS,
            model: Path | None = None, trained: Path | None = None, report=print,
            report_error=None) -> dict:
    """Score rules-only, rules+syntax and rules+syntax+trained side by side.

    Layers absent on this machine are skipped and named. The trained layer scores a
    document of the ``dev`` split with the cross-validation model that held it out
    (``folds/fold-N``), since model-best was trained on it; other documents with
    model-best. Writes ``out/metrics.json`` (per pipeline: documents, micro, micro by
    split) and prints one table.

    Raises:
        FileNotFoundError: when there is no gold file.
    """
    from .export import atomic_write_text
    from .nlp import LayerError, build_pipeline
    from .records import doc_to_record

    report_error = report_error or report
    documents = load_gold_documents(gold, text_dirs, report_error)
    split_of = read_splits(splits)
    results: dict[str, dict] = {}
    skipped: dict[str, str] = {}
    notes: dict[str, str] = {}
    for layers in COMPARED:
        if "syntax" in layers and "rules+syntax" in skipped:
            layers = tuple(layer for layer in layers if layer != "syntax")
            if layers == ("rules",):
                continue
        name = "+".join(layers)
        pipelines: dict[Path | None, object] = {}

        def pipeline_for(doc_id: str):
            key = None
            if "trained" in layers:
                key = folds.get(doc_id) if split_of.get(doc_id, "dev") == "dev" else None
                key = key or trained_path
            if key not in pipelines:
                pipelines[key] = build_pipeline(layers, model=model, trained=key)
            return pipelines[key]

        folds: dict[str, Path] = {}
        trained_path = None
        if "trained" in layers:
            trained_path, why = _trained_dir(trained)
            if trained_path is None:
                skipped[name] = why
                continue
            folds = _fold_models(trained_path)
            notes[name] = ("dev documents scored out of fold (the cross-validation model that held each out)"
                           if folds else "no cross-validation folds found: dev rows are scored by a model trained on them")
        try:
            pipeline_for(documents[0][0] if documents else "")
        except LayerError as err:
            skipped[name] = str(err)
            continue
        rows, totals = {}, {}
        for doc_id, record, text in documents:
            doc = pipeline_for(doc_id)(text)
            doc._.doc_id = doc_id
            counts = score_document(record, doc_to_record(doc))
            rows[doc_id] = counts.metrics()
            for group in ("all", split_of.get(doc_id)):
                if group:
                    totals.setdefault(group, Counts()).add(counts)
        results[name] = {"documents": rows, "micro": totals.get("all", Counts()).metrics(),
                         "micro_by_split": {g: c.metrics() for g, c in totals.items() if g != "all"},
                         "description": next(iter(pipelines.values())).meta.get("policy_layers_description")}
    metrics = {"pipelines": results, "skipped": skipped, "notes": notes,
               "splits": {d: split_of.get(d) for d, _, _ in documents}}
    atomic_write_text(Path(out) / "metrics.json", json.dumps(metrics, indent=2))
    report(format_comparison(metrics))
    return metrics


def format_comparison(metrics: dict) -> str:
    """One table: per document a row per pipeline, then the micro-averages (by split
    when there is a test split), then the skipped layers and notes."""
    results = metrics["pipelines"]
    table: dict[str, dict] = {}
    names = list(results)
    doc_ids = list(metrics["splits"])
    for doc_id in doc_ids:
        for name in names:
            if doc_id in results[name]["documents"]:
                table[f"{doc_id}  [{name}]"] = results[name]["documents"][doc_id]
    has_test = any(s == "test" for s in metrics["splits"].values())
    for group in (("dev", "test") if has_test else ()):
        for name in names:
            if group in results[name]["micro_by_split"]:
                table[f"MICRO {group}  [{name}]"] = results[name]["micro_by_split"][group]
    for name in names:
        table[f"MICRO  [{name}]"] = results[name]["micro"]
    lines = [format_table(table)] if table else ["no pipeline could be scored"]
    for name, why in metrics["skipped"].items():
        lines.append(f"skipped {name}: {why}")
    for name, note in metrics["notes"].items():
        lines.append(f"note {name}: {note}")
    return "\n".join(lines)
