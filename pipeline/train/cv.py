"""Cross-validation by document, the merge thresholds chosen on it, and `make train`.

Documents are dealt into ``k`` folds (seeded shuffle); for each fold a model is trained
on the others and run on it, so every dev document gets out-of-fold predictions. The
merge settings (add model-only spans above a threshold? drop rule rows the model
rejects?) are chosen per label on the pooled out-of-fold scores, against rules-only:
a step is kept only when it raises that label's objective (mean of its F1 and
the attribute scores of its found spans) by at least ``MIN_GAIN``. The fold models are saved
(``folds/fold-N``) so ``pipeline evaluate`` scores dev documents out of fold.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path
from typing import Callable

from spacy.language import Language
from spacy.tokens import Doc

from ..evaluate import Counts, score_document
from ..records import doc_to_record
from .data import GOLD_KEY, annotate, load_gold, read_split, rules_pipeline, write_docbin
from .fit import CONFIG, to_vocab, train_model
from .merge import ADD_SCOPES, GROUPS, TrainedMerge, merge

#: How much a merge step must raise the out-of-fold objective to be kept: with a few
#: hundred spans, smaller gains come from a handful of spans and are noise.
MIN_GAIN = 0.005
ADD_GRID = (None, 0.5, 0.6, 0.7, 0.8, 0.9)
DROP_GRID = (None, 0.02, 0.05, 0.1, 0.2)
MERGE = "policy_trained_merge"


def deal_folds(doc_ids: list[str], k: int, seed: int) -> list[list[str]]:
    ids = sorted(doc_ids)
    random.Random(seed).shuffle(ids)
    return [sorted(ids[i::k]) for i in range(k)]


def _settings(nlp: Language, add: dict, drop: dict, scope: str = "span") -> TrainedMerge:
    return TrainedMerge(nlp, MERGE, confirm=0.5, reject=0.1, add_threshold=add, drop_below=drop, add_scope=scope)


def predict_scores(model: Language, docs: list[Doc]) -> list[Doc]:
    """Held-out documents (rule rows on them) with the span classifier's scores added."""
    moved = to_vocab(docs, model)
    for doc in moved:
        if GOLD_KEY in doc.spans:
            del doc.spans[GOLD_KEY]
    return list(model.pipe(moved))


def score_variant(nlp: Language, docs: list[Doc], records: dict[str, dict], add: dict, drop: dict,
                  scope: str = "span") -> dict:
    """Micro metrics of the merge with these settings over scored documents."""
    total = Counts()
    settings = _settings(nlp, add, drop, scope)
    for doc in docs:
        merged = merge(doc.copy(), settings)
        total.add(score_document(records[doc._.doc_id], doc_to_record(merged)))
    return total.metrics()


#: What a merge step must raise, per label: the span F1 and the attributes of found spans.
OBJECTIVE = {"DEMAND": ("demander_accuracy", "addressee_f1"), "RECOMMENDATION": ("target_f1",)}


def objective(metrics: dict, label: str) -> float:
    """Mean of the label's F1 and its attribute scores: adding spans whose roles are
    wrong must not pass for an improvement."""
    values = [metrics[label]["f1"]] + [metrics[name] or 0.0 for name in OBJECTIVE[label]]
    return round(sum(values) / len(values), 4)


def choose_merge(nlp: Language, docs: list[Doc], records: dict[str, dict]) -> dict:
    """Per label, the add and drop thresholds that raise its out-of-fold objective most;
    a gain under ``MIN_GAIN`` leaves the steps off."""
    off = {label: None for label in GROUPS}
    chosen = {"add_threshold": dict(off), "drop_below": dict(off), "add_scope": "span"}
    grid = []
    scope_gain = {}
    for label in GROUPS:
        base_value = objective(score_variant(nlp, docs, records, off, off), label)
        best = (base_value, None, None, "span")
        for scope in ADD_SCOPES:
            for add in ADD_GRID:
                for drop in DROP_GRID:
                    if add is None and (drop is None or scope != "span"):
                        continue
                    metrics = score_variant(nlp, docs, records, {**off, label: add}, {**off, label: drop}, scope)
                    value = objective(metrics, label)
                    grid.append({"label": label, "add": add, "scope": scope, "drop": drop, "objective": value,
                                 "f1": metrics[label]["f1"],
                                 **{name: metrics[name] for name in OBJECTIVE[label]}})
                    if value > best[0] + 1e-9:
                        best = (value, add, drop, scope)
        if best[1:3] != (None, None) and best[0] < base_value + MIN_GAIN:
            best = (base_value, None, None, "span")
        chosen["add_threshold"][label], chosen["drop_below"][label] = best[1], best[2]
        scope_gain[label] = best[3]
    # one scope for the component: the one a label that adds spans chose ("span" if none adds)
    adding = [scope_gain[label] for label in GROUPS if chosen["add_threshold"][label] is not None]
    chosen["add_scope"] = adding[0] if adding else "span"
    return {**chosen, "grid": grid}


def train_all(gold_dir: Path, out: Path, *, splits: Path, k: int = 5, epochs: int | None = None,
              seed: int = 0, tok2vec_source: Path | None = None, config: Path | None = None, report: Callable[[str], None] = print) -> dict:
    """`make train`: cross-validate, choose the merge, train on every dev document.

    Writes ``out/corpus/dev.spacy`` (the annotated dev documents, a DocBin),
    ``out/model-best`` (the layer), ``out/folds/fold-N`` (out-of-fold models,
    with the held-out doc_ids in their meta) and ``out/cv.json`` (the figures).
    """
    started = time.perf_counter()
    out = Path(out)
    (out / "folds").mkdir(parents=True, exist_ok=True)
    dev_ids = read_split(splits, "dev")
    gold_docs = load_gold(gold_dir, dev_ids)
    records = {g.doc_id: g.record for g in gold_docs}
    base = rules_pipeline()
    layers = base.meta.get("policy_layers", ["rules"])
    docs = annotate(base, gold_docs)
    write_docbin(docs, out / "corpus" / "dev.spacy")  # what the layer learns from, for inspection
    by_id = {d._.doc_id: d for d in docs}
    folds = deal_folds(dev_ids, k, seed)
    scored: list[Doc] = []
    fold_seconds = []
    for n, held_out in enumerate(folds):
        t0 = time.perf_counter()
        model = train_model([by_id[i] for i in dev_ids if i not in held_out], epochs=epochs, seed=seed, tok2vec_source=tok2vec_source,
                            config=config or CONFIG)
        fold_seconds.append(round(time.perf_counter() - t0, 1))
        scored.extend(predict_scores(model, [by_id[i] for i in held_out]))
        model.meta["policy_held_out"] = held_out
        model.add_pipe(MERGE)  # settings filled in below, once chosen
        model.to_disk(out / "folds" / f"fold-{n}")
        report(f"fold {n}: trained on {len(dev_ids) - len(held_out)} documents in {fold_seconds[-1]} s, "
               f"held out {', '.join(held_out)}")
    chosen = choose_merge(base, scored, records)
    off = {label: None for label in GROUPS}
    rules_only = score_variant(base, scored, records, off, off)
    merged = score_variant(base, scored, records, chosen["add_threshold"], chosen["drop_below"], chosen["add_scope"])
    per_component = _classifier_scores(scored, records)
    bands = _rule_rows_by_score(scored, records)
    for n in range(len(folds)):
        _set_merge(out / "folds" / f"fold-{n}", chosen)
    t0 = time.perf_counter()
    model = train_model(docs, epochs=epochs, seed=seed, tok2vec_source=tok2vec_source,
                            config=config or CONFIG)
    final_seconds = round(time.perf_counter() - t0, 1)
    model.add_pipe(MERGE, config={"add_threshold": chosen["add_threshold"], "drop_below": chosen["drop_below"],
                                  "add_scope": chosen["add_scope"]})
    model.meta["policy_training"] = {"split": "dev", "documents": dev_ids, "candidates_from": layers}
    model.to_disk(out / "model-best")
    result = {
        "documents": dev_ids, "folds": folds, "k": k, "seed": seed,
        "epochs": epochs or model.config["training"]["max_epochs"], "candidates_from": layers,
        "tok2vec_source": str(tok2vec_source) if tok2vec_source else None,
        "merge": {"add_threshold": chosen["add_threshold"], "drop_below": chosen["drop_below"],
                  "add_scope": chosen["add_scope"]},
        "merge_grid": chosen["grid"], "merge_min_gain": MIN_GAIN,
        "out_of_fold": {"rules_only": rules_only, "rules_plus_model": merged},
        "span_classifier": per_component,
        "rule_rows_by_model_score": bands,
        "seconds": {"folds": fold_seconds, "final": final_seconds,
                    "total": round(time.perf_counter() - started, 1)},
    }
    (out / "cv.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    return result


def _set_merge(path: Path, chosen: dict) -> None:
    """Write the chosen merge settings into a saved fold pipeline's config."""
    from spacy import util

    cfg_path = path / "config.cfg"
    cfg = util.load_config(cfg_path)
    cfg["components"][MERGE]["add_threshold"] = chosen["add_threshold"]
    cfg["components"][MERGE]["drop_below"] = chosen["drop_below"]
    cfg["components"][MERGE]["add_scope"] = chosen["add_scope"]
    cfg.to_disk(cfg_path)


def _classifier_scores(docs: list[Doc], records: dict[str, dict]) -> dict:
    """The span classifier alone, out of fold: its spans over 0.5 (non-overlapping, best
    first) scored as predictions, per label, with the guide's overlap rule."""
    from ..evaluate import _half

    out = {}
    for label in GROUPS:
        gold_n = found = pred_n = correct = 0
        for doc in docs:
            gold = [s for s in records[doc._.doc_id]["spans"] if s["label"] == label]
            group = doc.spans.get("policy_model_spans", [])
            scores = group.attrs.get("scores", []) if len(group) else []
            spans = sorted(((float(v), s) for s, v in zip(group, scores) if s.label_ == label and v >= 0.5),
                           key=lambda x: -x[0])
            kept = []
            for _, s in spans:
                if all(s.end <= k.start or s.start >= k.end for k in kept):
                    kept.append(s)
            pred = [{"start": s.start_char, "end": s.end_char} for s in kept]
            gold_n += len(gold)
            pred_n += len(pred)
            found += sum(_half(g, pred) for g in gold)
            correct += sum(_half(p, gold) for p in pred)
        p = correct / pred_n if pred_n else 0.0
        r = found / gold_n if gold_n else 0.0
        out[label] = {"precision": round(p, 4), "recall": round(r, 4),
                      "f1": round(2 * p * r / (p + r), 4) if p + r else 0.0, "n_gold": gold_n, "n_pred": pred_n}
    return out


BANDS = ((0.0, 0.1, "score < 0.1 (rejected: confidence lowered)"), (0.1, 0.5, "0.1 ≤ score < 0.5 (unchanged)"),
         (0.5, 1.01, "score ≥ 0.5 (confirmed: confidence raised)"))


def _rule_rows_by_score(docs: list[Doc], records: dict[str, dict]) -> dict:
    """Out of fold: how many rule rows fall in each band of the model's score, and how
    many of them are right by the guide's overlap rule (does the confidence inform?)."""
    from ..evaluate import _half
    from .merge import model_scores

    out: dict[str, dict] = {}
    for label, key in GROUPS.items():
        counts = {name: [0, 0] for *_, name in BANDS}
        for doc in docs:
            gold = [s for s in records[doc._.doc_id]["spans"] if s["label"] == label]
            scores = model_scores(doc)
            for span in doc.spans.get(key, []):
                value = scores.get((span.start, span.end, label), 0.0)
                name = next(n for lo, hi, n in BANDS if lo <= value < hi)
                counts[name][0] += 1
                counts[name][1] += _half({"start": span.start_char, "end": span.end_char}, gold)
        out[label] = {name: {"rows": n, "right": r, "precision": round(r / n, 3) if n else None}
                      for name, (n, r) in counts.items()}
    return out
