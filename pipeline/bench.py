"""The benchmark behind ``make bench``: end-to-end extraction against spaCy's
blank tokenizer + sentencizer, on the same generated corpus, in the same run.

The corpus is copies of the seed article and synthetic documents of four genres
(bulletins, statements, news reports, research-service analyses) generated from
``resources/bench_templates.json`` with a fixed random seed, so every run reads
the same texts. Each configuration runs in a fresh Python process (this module
run as ``python -m pipeline.bench SPEC``), so its peak memory is its own:
``ru_maxrss`` of that process, of its largest worker (``RUSAGE_CHILDREN``), and,
where Linux ``/proc`` allows, the sampled proportional set size (PSS) of the
process and its workers together, which counts memory shared after ``fork``
once. Throughput is whitespace-separated words of the canonical texts per
second of processing: from listing the corpus to the last table written
(end-to-end) or the last sentence split (baseline), the median of a few passes,
each in a fresh process; loading a pipeline is timed apart.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from functools import lru_cache, partial
from pathlib import Path
from typing import Any, Callable

import spacy
from spacy.language import Language

TEMPLATES = Path(__file__).parent / "resources" / "bench_templates.json"
SEED_ARTICLE = Path(__file__).resolve().parents[1] / "corpus" / "seed-article.txt"
#: The trained syntactic base (issue 4); the "+ syntax" row runs only when it exists.
DEFAULT_SYNTAX_MODEL = Path("models") / "base" / "model-best"
RANDOM_SEED = 2021
#: Every SEED_EVERY-th document is a copy of the seed article.
SEED_EVERY = 10
#: End-to-end may be this much slower than the tokenizer + sentencizer (issue 2).
TARGET_RATIO = 1 / 3
#: The syntactic path may be this much slower than the tokenizer + sentencizer (issue 4).
SYNTAX_TARGET_RATIO = 1 / 10
#: Peak memory counts as flat when 4x the documents add less than this fraction.
FLAT_TOLERANCE = 0.10
BATCH_SIZE = 16
#: Passes per configuration, each in a fresh process; the median pass is reported.
REPEAT = 3

_SLOT_RE = re.compile(r"\{(\w+)\}")
_SENTENCE_KINDS = ("context", "demand", "recommendation", "means", "quote", "list_intro", "list_item")
_GENRE_KEYS: dict[str, type] = {
    "titles": list, "number": list, "date_formats": list, "caption": list, "headings": list,
    "final_heading": list, "sections": list, "paragraphs": list, "sentences": list, "mix": dict,
    "final_mix": dict, "list_probability": float, "separators": list,
}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


class BenchmarkError(RuntimeError):
    """The benchmark cannot run; the message names the thing and the problem."""


# ---- the synthetic corpus ------------------------------------------------------------

def _check_templates(path: Path, data: Any) -> dict:
    def fail(message: str) -> None:
        raise BenchmarkError(f"{path.name}: {message}")

    if not isinstance(data, dict):
        fail("must be a JSON object")
    for key in ("slots", "sentences", "list_styles", "genres"):
        if key not in data:
            fail(f"missing key {key!r}")
    slots, sentences, genres = data["slots"], data["sentences"], data["genres"]
    for name, values in slots.items():
        if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
            fail(f"slots.{name} must be a non-empty list of strings")
    for kind in _SENTENCE_KINDS:
        if not isinstance(sentences.get(kind), list) or not sentences[kind]:
            fail(f"sentences.{kind} must be a non-empty list of templates")
    if not isinstance(genres, dict) or not genres:
        fail("genres must be a non-empty object")
    templates = [t for values in slots.values() for t in values]
    templates += [t for values in sentences.values() for t in values]
    for genre, spec in genres.items():
        for key, kind in _GENRE_KEYS.items():
            value = spec.get(key)
            if not isinstance(value, kind) and not (kind is float and isinstance(value, int)):
                fail(f"genres.{genre}.{key} must be a {kind.__name__}")
        for key in ("sections", "paragraphs", "sentences"):
            low_high = spec[key]
            if len(low_high) != 2 or not 0 < low_high[0] <= low_high[1]:
                fail(f"genres.{genre}.{key} must be [low, high] with 0 < low <= high")
        for key in ("mix", "final_mix"):
            unknown = set(spec[key]) - set(_SENTENCE_KINDS)
            if unknown:
                fail(f"genres.{genre}.{key}: unknown sentence kind {sorted(unknown)[0]!r}; "
                     f"allowed: {', '.join(_SENTENCE_KINDS)}")
        if not spec["titles"] or not spec["date_formats"] or not spec["separators"]:
            fail(f"genres.{genre}: titles, date_formats and separators must not be empty")
        if spec["final_heading"] and not spec["final_mix"]:
            fail(f"genres.{genre}: final_heading needs a final_mix")
        templates += spec["titles"] + spec["number"] + spec["caption"] + spec["headings"] + spec["final_heading"]
    for template in templates:
        for key in _SLOT_RE.findall(template):
            if key.rstrip("0123456789") not in slots:
                fail(f"unknown slot {{{key}}} in {template!r}")
    # A slot whose values lead back to itself would never finish expanding.
    uses = {name: {k.rstrip("0123456789") for v in values for k in _SLOT_RE.findall(v)}
            for name, values in slots.items()}

    def reaches(start: str, target: str, seen: set[str]) -> bool:
        return any(n == target or (n not in seen and reaches(n, target, seen | {n})) for n in uses[start])

    for name in slots:
        if reaches(name, name, {name}):
            fail(f"slot {name!r} refers back to itself")
    return data


@lru_cache(maxsize=4)
def load_templates(path: Path = TEMPLATES) -> dict:
    """The document templates, validated.

    Raises:
        BenchmarkError: the file is missing, not JSON, or does not follow the schema.
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BenchmarkError(f"{path}: template file not found") from None
    except json.JSONDecodeError as err:
        raise BenchmarkError(f"{path.name}:{err.lineno}: invalid JSON ({err.msg})") from None
    return _check_templates(path, data)


def _expand(template: str, rng: random.Random, slots: dict, bound: dict[str, tuple[str, str]]) -> str:
    """Fill the slots of ``template``; ``bound`` keeps one value per slot name, and
    ``{state2}`` differs from ``{state}``."""

    def fill(match: re.Match) -> str:
        key = match.group(1)
        if key not in bound:
            base = key.rstrip("0123456789")
            taken = {raw for k, (raw, _) in bound.items() if k.rstrip("0123456789") == base}
            raw = rng.choice([v for v in slots[base] if v not in taken] or slots[base])
            bound[key] = (raw, _expand(raw, rng, slots, bound))
        return bound[key][1]

    return _SLOT_RE.sub(fill, template)


def _capitalise(text: str) -> str:
    """Upper-case the first letter (after any opening quote): ``the U.S. must`` → ``The U.S. must``."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1:]
    return text


class _DocumentWriter:
    """Composes one synthetic document of a genre."""

    def __init__(self, templates: dict, rng: random.Random) -> None:
        self.t, self.rng = templates, rng

    def fill(self, template: str) -> str:
        return _capitalise(_expand(template, self.rng, self.t["slots"], {}))

    def sentence(self, kind: str) -> str:
        return self.fill(self.rng.choice(self.t["sentences"][kind]))

    def paragraph(self, spec: dict, mix: dict[str, float]) -> list[str]:
        """One paragraph, or a list: an intro paragraph ending in ``:`` and its items."""
        n = self.rng.randint(*spec["sentences"])
        kinds, weights = zip(*mix.items())
        body = [self.sentence(k) for k in self.rng.choices(kinds, weights, k=n)]
        if self.rng.random() >= spec["list_probability"]:
            return [" ".join(body)]
        intro = " ".join(body[: max(0, n - 2)] + [self.sentence("list_intro")])
        style = self.rng.choice(self.t["list_styles"])
        items = []
        for i in range(self.rng.randint(2, 5)):
            item = _expand(self.rng.choice(self.t["sentences"]["list_item"]), self.rng, self.t["slots"], {})
            items.append(style.format(item=item, n=i + 1, letter="abcdefgh"[i]))
        items[-1] = items[-1].rstrip(";") + "."
        return [intro, "\n".join(items)]

    def date(self, fmt: str) -> str:
        month = self.rng.randint(1, 12)
        return fmt.format(day=self.rng.randint(1, 28), month=month, month_name=_MONTHS[month - 1],
                          year=self.rng.randint(2019, 2024))

    def document(self, genre: str) -> str:
        spec, rng = self.t["genres"][genre], self.rng
        blocks = [self.fill(rng.choice(spec["titles"]))]
        header = [self.fill(rng.choice(spec["number"])) if spec["number"] else "",
                  self.date(rng.choice(spec["date_formats"]))]
        if any(header):
            blocks.append("\n".join(line for line in header if line))
        blocks.extend(self.paragraph(spec, spec["mix"]))  # the lead
        caption = self.fill(rng.choice(spec["caption"])) if spec["caption"] else ""
        if caption:
            blocks.append(caption)
        n_sections = rng.randint(*spec["sections"])
        headings = rng.sample(spec["headings"], min(n_sections, len(spec["headings"])))
        for heading in headings or [""] * n_sections:
            if heading:
                blocks.append(self.fill(heading))
            for _ in range(rng.randint(*spec["paragraphs"])):
                blocks.extend(self.paragraph(spec, spec["mix"]))
        if spec["final_heading"]:
            blocks.append(self.fill(rng.choice(spec["final_heading"])))
            for _ in range(rng.randint(*spec["paragraphs"])):
                blocks.extend(self.paragraph(spec, spec["final_mix"]))
        return rng.choice(spec["separators"]).join(blocks) + "\n"


def synthetic_document(index: int, *, seed: int = RANDOM_SEED, templates: dict | None = None) -> tuple[str, str]:
    """``(genre, text)`` of synthetic document number ``index``; the same for a
    given seed and index whatever the corpus size."""
    templates = templates or load_templates()
    rng = random.Random(f"{seed}:{index}")
    genre = rng.choice(sorted(templates["genres"]))
    return genre, _DocumentWriter(templates, rng).document(genre)


def write_corpus(folder: Path, n_docs: int, *, seed: int = RANDOM_SEED,
                 seed_article: Path = SEED_ARTICLE, templates: dict | None = None) -> dict:
    """Write ``n_docs`` documents into ``folder`` (replacing its ``.txt`` files):
    every ``SEED_EVERY``-th a copy of the seed article, the rest synthetic.

    Returns:
        What was written: documents, seed copies, documents per genre, words, bytes.

    Raises:
        BenchmarkError: the seed article cannot be read, or ``n_docs`` < 1.
    """
    if n_docs < 1:
        raise BenchmarkError(f"n_docs must be at least 1, got {n_docs}")
    try:
        seed_bytes = Path(seed_article).read_bytes()
    except OSError as err:
        raise BenchmarkError(f"{seed_article}: cannot read the seed article ({err.strerror or err})") from None
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.txt"):
        old.unlink()
    genres: Counter = Counter()
    words = size = 0
    for index in range(n_docs):
        if index % SEED_EVERY == 0:
            genre, raw = "seed", seed_bytes
        else:
            genre, text = synthetic_document(index, seed=seed, templates=templates)
            raw = text.encode("utf-8")
        (folder / f"{index:04d}-{genre}.txt").write_bytes(raw)
        genres[genre] += 1
        words += len(raw.decode("utf-8-sig").split())
        size += len(raw)
    return {"path": str(folder), "documents": n_docs, "seed_copies": genres.pop("seed", 0),
            "genres": dict(sorted(genres.items())), "words": words, "bytes": size}


# ---- one measured configuration (runs in its own process) ------------------------------

class _TreeMemorySampler(threading.Thread):
    """Samples the summed PSS of this process and its descendants (Linux ``/proc``)."""

    def __init__(self, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.interval, self.peak_kb = interval, 0
        self._done = threading.Event()
        self.available = Path("/proc/self/smaps_rollup").exists()

    @staticmethod
    def _pss_kb(pid: int) -> int:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
        return 0

    @staticmethod
    def _children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
        return found

    def sample(self) -> None:
        total, pending = 0, [os.getpid()]
        while pending:
            pid = pending.pop()
            try:
                total += self._pss_kb(pid)
                pending += self._children(pid)
            except (OSError, ValueError):  # a worker that just exited
                continue
        self.peak_kb = max(self.peak_kb, total)

    def run(self) -> None:
        while not self._done.wait(self.interval):
            self.sample()

    def stop(self) -> float | None:
        """Stop sampling; the peak in MB, or None where ``/proc`` cannot tell."""
        self._done.set()
        self.join()
        return round(self.peak_kb / 1024, 1) if self.available and self.peak_kb else None


def _maxrss_mb(who: int) -> float:
    value = resource.getrusage(who).ru_maxrss
    return round(value / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def _baseline_pass(nlp: Language, corpus: Path, n_process: int) -> dict:
    from .corpus import DocumentError, iter_corpus, list_corpus

    texts = (item.text for item in iter_corpus(list_corpus(corpus)) if not isinstance(item, DocumentError))
    docs = tokens = sentences = 0
    for doc in nlp.pipe(texts, n_process=n_process, batch_size=BATCH_SIZE):
        docs, tokens, sentences = docs + 1, tokens + len(doc), sentences + sum(1 for _ in doc.sents)
    return {"documents": docs, "tokens": tokens, "sentences": sentences, "failures": 0}


def _extract_pass(nlp: Language, corpus: Path, n_process: int, out: Path) -> dict:
    from .extract import extract

    messages: list[str] = []
    summary = extract(corpus, out, nlp=nlp, n_process=n_process, batch_size=BATCH_SIZE,
                      progress=False, report=messages.append)
    return {"documents": summary.documents, "sentences": summary.sentences, "actors": summary.mentions,
            "demands": summary.demands, "recommendations": summary.recommendations,
            "failures": len(summary.failures), "warnings": len(summary.warnings), "pipes": nlp.pipe_names}


def measure(spec: dict) -> dict:
    """Run one pass of one configuration and return its figures. ``spec``: ``kind``
    ("baseline" or "extract"), ``corpus``, ``n_process``, and for extract ``out``,
    ``model`` (None: the default pipeline) and ``syntax_model`` (None: no syntax)."""
    from .nlp import build_pipeline, load_pipeline
    from .syntax import ENV_VAR as SYNTAX_ENV_VAR

    sampler = _TreeMemorySampler()
    sampler.start()
    n_process, corpus = int(spec["n_process"]), Path(spec["corpus"])
    started = time.perf_counter()
    if spec["kind"] == "baseline":
        nlp = spacy.blank("en")
        nlp.add_pipe("sentencizer")
        one_pass = partial(_baseline_pass, nlp, corpus, n_process)
    elif spec["kind"] == "extract":
        model = Path(spec["model"]) if spec.get("model") else None
        if spec.get("syntax_model"):
            # The syntax layer as extraction wires it in (pipeline.nlp / pipeline.syntax),
            # with the base named explicitly.
            os.environ[SYNTAX_ENV_VAR] = str(spec["syntax_model"])
            nlp = build_pipeline(["rules", "syntax"], model=model)
        else:
            nlp = load_pipeline(model)
        one_pass = partial(_extract_pass, nlp, corpus, n_process, Path(spec["out"]))
    else:
        raise BenchmarkError(f"unknown benchmark kind {spec['kind']!r}")
    loaded = time.perf_counter()
    result = one_pass()
    result.update(
        load_seconds=round(loaded - started, 3), seconds=round(time.perf_counter() - loaded, 3),
        peak_rss_mb=_maxrss_mb(resource.RUSAGE_SELF),
        worker_peak_rss_mb=_maxrss_mb(resource.RUSAGE_CHILDREN) if n_process > 1 else None,
        pss_peak_mb=sampler.stop(),
    )
    return result


def _exception_line(stderr: str) -> str:
    """The line of a traceback that names the exception (spaCy's messages run on
    over several lines), else the last line."""
    lines = stderr.strip().splitlines()
    named = [line for line in lines if re.match(r"[A-Za-z_][\w.]*(?:Error|Exception): ", line)]
    return (named or lines or [""])[-1][:300]


def _measure_isolated(spec: dict, passes: int = 1) -> dict:
    """``measure(spec)`` ``passes`` times, each in a fresh Python process, so every
    pass starts cold (no tokenizer cache, no vocabulary) like a real run and its
    peak memory is its own. ``seconds`` is the median pass; memory the largest."""
    runs = []
    for _ in range(max(1, passes)):
        proc = subprocess.run([sys.executable, "-m", "pipeline.bench", json.dumps(spec)],
                              capture_output=True, text=True)
        lines = proc.stdout.strip().splitlines()
        if proc.returncode != 0 or not lines:
            why = _exception_line(proc.stderr) or f"exit code {proc.returncode}"
            raise BenchmarkError(f"{spec['kind']} on {spec['corpus']} with {spec['n_process']} "
                                 f"process(es) failed: {why}")
        runs.append(json.loads(lines[-1]))
    result = dict(runs[0])
    result.update(
        seconds=statistics.median(r["seconds"] for r in runs), pass_seconds=[r["seconds"] for r in runs],
        load_seconds=statistics.median(r["load_seconds"] for r in runs),
    )
    for key in ("peak_rss_mb", "worker_peak_rss_mb", "pss_peak_mb"):
        values = [r[key] for r in runs if r[key] is not None]
        result[key] = max(values) if values else None
    return result


# ---- the whole benchmark ---------------------------------------------------------------

def _row(name: str, label: str, n_process: int, corpus: dict, figures: dict) -> dict:
    seconds = max(figures["seconds"], 1e-9)
    rss = figures["peak_rss_mb"]
    workers = figures.get("worker_peak_rss_mb")
    return {"name": name, "label": label, "n_process": n_process, "corpus_documents": corpus["documents"],
            "words": corpus["words"], "words_per_second": round(corpus["words"] / seconds, 1),
            "documents_per_second": round(figures["documents"] / seconds, 2),
            # RUSAGE_CHILDREN gives the largest worker's peak, so this is an upper bound.
            "peak_rss_total_mb": round(rss + n_process * workers, 1) if workers else rss,
            **figures}


def _format_table(rows: list[dict]) -> list[str]:
    lines = [f"{'run':<30} {'proc':>4} {'docs':>5} {'sec':>7} {'words/s':>9} {'peak RSS MB':>22} {'PSS MB':>7}"]
    for r in rows:
        rss = (f"{r['peak_rss_mb']:.0f}" if not r.get("worker_peak_rss_mb")
               else f"{r['peak_rss_mb']:.0f} + {r['n_process']}x{r['worker_peak_rss_mb']:.0f}")
        pss = f"{r['pss_peak_mb']:.0f}" if r.get("pss_peak_mb") else "-"
        lines.append(f"{r['label']:<30} {r['n_process']:>4} {r['documents']:>5} {r['seconds']:>7.1f} "
                     f"{r['words_per_second']:>9,.0f} {rss:>22} {pss:>7}")
    return lines


def run_benchmark(
    n_docs: int = 200,
    work: Path = Path("build/bench"),
    report: Callable[[str], None] = print,
    *,
    processes: tuple[int, ...] = (1, 2),
    scale_docs: tuple[int, int] | None = None,
    check_memory: bool = True,
    model: Path | None = None,
    syntax_model: Path | None = DEFAULT_SYNTAX_MODEL,
    seed: int = RANDOM_SEED,
    repeat: int = REPEAT,
) -> dict:
    """Generate the corpus, measure every configuration, print a table and write
    ``work/bench.json``.

    Args:
        n_docs: documents in the main corpus.
        work: scratch folder for corpora, outputs and ``bench.json``.
        report: where the lines of the table go.
        processes: process counts to compare (baseline and end-to-end for each).
        scale_docs: the smaller and larger corpus of the flat-memory check (end-to-end,
            1 process); None means ``(n_docs // 2, n_docs * 2)``.
        check_memory: whether to run the flat-memory check at all.
        model: the extraction pipeline (None: ``models/policy``, else the config).
        syntax_model: a saved syntactic base; when it exists, an "end-to-end + syntax"
            row runs with 1 process, its pipeline built by ``build_pipeline(["rules", "syntax"])``
            with ``$POLICY_BASE_MODEL`` naming this base. None or a missing folder skips it.
        seed: random seed of the synthetic documents.
        repeat: passes per configuration, each in a fresh process (the median time
            and the largest peak memory are reported).

    Returns:
        Everything in ``bench.json``.

    Raises:
        BenchmarkError: a corpus cannot be written or a measurement fails.
    """
    work = Path(work)
    small_docs, large_docs = scale_docs or (max(1, n_docs // 2), n_docs * 2)
    corpus = write_corpus(work / f"corpus-{n_docs}", n_docs, seed=seed)
    genres = ", ".join(f"{n} {g}" for g, n in corpus["genres"].items())
    report(f"bench: {corpus['documents']} documents ({corpus['seed_copies']} seed copies; {genres}), "
           f"{corpus['words']:,} words; {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    model_arg = str(Path(model).resolve()) if model else None
    rows: list[dict] = []

    def run(name: str, label: str, kind: str, n_process: int, info: dict, passes: int = repeat,
            **extra: Any) -> dict:
        spec = {"kind": kind, "corpus": info["path"], "n_process": n_process,
                "out": str(work / f"out-{name}-{n_process}p-{info['documents']}"), "model": model_arg, **extra}
        row = _row(name, label, n_process, info, _measure_isolated(spec, passes))
        if row["documents"] != info["documents"] or row["failures"]:
            raise BenchmarkError(f"{label}: processed {row['documents']} of {info['documents']} documents "
                                 f"({row['failures']} failures) in {info['path']}")
        return row

    for n_process in processes:
        for name, label, kind in (("baseline", "baseline tokenizer+sentencizer", "baseline"),
                                  ("end_to_end", "end-to-end extract", "extract")):
            rows.append(run(name, label, kind, n_process, corpus))
            report(_format_table(rows)[-1] if len(rows) > 1 else "\n".join(_format_table(rows)))
    if syntax_model is not None and (Path(syntax_model) / "config.cfg").exists():
        try:
            # The syntax layer parses only the sentences where a rule is unsure, so this
            # row takes seconds, and gets the same passes as the others.
            rows.append(run("end_to_end_syntax", "end-to-end + syntax", "extract", 1, corpus,
                            syntax_model=str(Path(syntax_model).resolve())))
            report(_format_table(rows)[-1])
        except BenchmarkError as err:
            report(f"skipped end-to-end + syntax: {err}")

    ratios = {}
    for n_process in processes:
        base = next(r for r in rows if r["name"] == "baseline" and r["n_process"] == n_process)
        e2e = next(r for r in rows if r["name"] == "end_to_end" and r["n_process"] == n_process)
        ratios[str(n_process)] = round(e2e["words_per_second"] / base["words_per_second"], 3)
    met = all(r >= TARGET_RATIO for r in ratios.values())
    # Worker processes can slow a cheap pipeline down; this compares the best of each side.
    best = round(max(r["words_per_second"] for r in rows if r["name"] == "end_to_end")
                 / max(r["words_per_second"] for r in rows if r["name"] == "baseline"), 3)
    report("ratio end-to-end / baseline: " + ", ".join(f"{p} process{'es' if p != '1' else ''} {r:.2f}"
                                                      for p, r in ratios.items())
           + f"; best / best {best:.2f} (target >= {TARGET_RATIO:.2f}: {'met' if met else 'not met'})")

    syntax_ratio = None
    syntax_row = next((r for r in rows if r["name"] == "end_to_end_syntax"), None)
    if syntax_row is not None:
        base = next(r for r in rows if r["name"] == "baseline" and r["n_process"] == 1)
        syntax_ratio = round(syntax_row["words_per_second"] / base["words_per_second"], 3)
        report(f"ratio end-to-end + syntax / baseline, 1 process: {syntax_ratio:.2f} (target >= "
               f"{SYNTAX_TARGET_RATIO:.2f}: {'met' if syntax_ratio >= SYNTAX_TARGET_RATIO else 'not met'})")

    memory = None
    if check_memory:
        points = []
        for size in sorted({small_docs, n_docs, large_docs}):
            row = next((r for r in rows if r["name"] == "end_to_end" and r["n_process"] == 1
                        and r["corpus_documents"] == size), None)
            if row is None:
                info = write_corpus(work / f"corpus-{size}", size, seed=seed)
                # One pass: a fresh process reading the corpus once is what must stay flat.
                row = run("scale", f"end-to-end, {size} documents", "extract", 1, info, passes=1)
            points.append({"documents": size, "words": row["words"], "peak_rss_mb": row["peak_rss_mb"],
                           "pss_peak_mb": row["pss_peak_mb"], "seconds": row["seconds"]})
        small = next(p for p in points if p["documents"] == small_docs)
        large = next(p for p in points if p["documents"] == large_docs)
        growth = (large["peak_rss_mb"] - small["peak_rss_mb"]) / small["peak_rss_mb"]
        memory = {"points": points, "growth": round(growth, 3), "tolerance": FLAT_TOLERANCE,
                  "flat": growth < FLAT_TOLERANCE}
        report("peak RSS vs corpus size (end-to-end, 1 process): "
               + ", ".join(f"{p['documents']} docs {p['peak_rss_mb']:.0f} MB" for p in points)
               + f" -> {'flat' if memory['flat'] else 'GROWS'} ({growth:+.1%} for "
               f"{large['documents'] / small['documents']:.0f}x the documents)")

    result = {
        "corpus": corpus, "batch_size": BATCH_SIZE, "runs": rows, "ratios": ratios, "ratio_best": best,
        "target_ratio": round(TARGET_RATIO, 3), "target_met": met, "syntax_ratio": syntax_ratio,
        "syntax_target_ratio": round(SYNTAX_TARGET_RATIO, 3), "memory_scaling": memory,
        "machine": {"cpus": os.cpu_count(), "load_average": os.getloadavg()[0],
                    "python": platform.python_version(), "platform": platform.platform(),
                    "spacy": spacy.__version__},
        "notes": {"words": "whitespace-separated words of the canonical texts; the same count for every run",
                  "seconds": "median of pass_seconds, each pass in a fresh process; a pass runs from "
                             "listing the corpus to the last table written (end-to-end) or the last "
                             "document split (baseline); loading the pipeline is load_seconds",
                  "peak_rss_mb": "ru_maxrss of the measuring process (RUSAGE_SELF), which runs alone; "
                                 "the largest of its passes",
                  "worker_peak_rss_mb": "ru_maxrss of the largest worker process (RUSAGE_CHILDREN)",
                  "peak_rss_total_mb": "peak_rss_mb + n_process x worker_peak_rss_mb: an upper bound",
                  "pss_peak_mb": "sampled every 50 ms: summed PSS of the process and its workers, "
                                 "memory shared after fork counted once"},
    }
    work.mkdir(parents=True, exist_ok=True)
    (work / "bench.json").write_text(json.dumps(result, indent=2), encoding="utf-8")
    report(f"wrote {work / 'bench.json'}")
    return result


if __name__ == "__main__":
    # python -m pipeline.bench SPEC: one measured configuration; its figures as JSON on stdout.
    print(json.dumps(measure(json.loads(sys.argv[1]))))
