"""Quality benchmark: dedup and two peer baselines on labelled corpora.

Builds gold files (CSV ``a,b,relation[,source]``, see :mod:`dedup.evaluate`) for

* ``clough``: Clough-Stevenson short answers (``texts/``): each answer vs its task's
  ``orig_task<T>.txt`` (cut/light/heavy -> derived, source orig; non -> related), plus
  each answer vs every other task's source (unrelated).
* ``pan13``: PAN-13 no-obfuscation subset (``susp/`` + ``src/``): the 500 ``pairs``
  as partial with the source document as source; shifted negatives: each suspicious
  document vs the source of the next line (wrapping round), unless that is a true pair.
* ``seeds``: the five seed articles in ``<repo>/fixtures``.
* ``bbc``: BBC News, no derivation labels: only how many exact-duplicate groups (same
  text after collapsing whitespace) each method finds, pair counts and time. No BBC
  text is written anywhere.

then runs ``dedup.scan`` and the baselines of ``benchmarks/baselines.py`` on each,
scores them with :func:`dedup.evaluate.evaluate`, and writes a Markdown report
(default ``reports/benchmarks.md``), also printed to stdout.

    python benchmarks/quality.py [--data DIR] [--out FILE] [--only clough pan13 ...] [--gold-dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import importlib.util
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tabulate import tabulate

from dedup.evaluate import GOLD_RELATIONS, POSITIVE, GoldPair, confusion_rows, evaluate, read_gold
from dedup.ingest import read_articles
from dedup.model import Relation
from dedup.scan import scan, scan_articles

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks"
DEFAULT_OUT = Path("reports") / "benchmarks.md"
SETS = ("clough", "pan13", "seeds", "bbc")
MAX_ERRORS = 10  # dedup's misclassified pairs listed per set


# --- gold ----------------------------------------------------------------------------

def clough_gold(root: Path) -> list[GoldPair]:
    """Gold pairs of the Clough-Stevenson corpus in ``root`` (ids as in a scan of ``texts/``)."""
    with open(root / "file_list.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    tasks = sorted({r["Task"] for r in rows})
    out = []
    for r in rows:
        own = f"orig_task{r['Task']}.txt"
        if r["Category"] in ("cut", "light", "heavy"):
            out.append(GoldPair(r["File"], own, "derived", own))
        elif r["Category"] == "non":
            out.append(GoldPair(r["File"], own, "related"))
        else:
            raise ValueError(f"{root / 'file_list.csv'}: unknown category {r['Category']!r}")
        out += [GoldPair(r["File"], f"orig_task{t}.txt", "unrelated") for t in tasks if t != r["Task"]]
    return out


def clough_categories(root: Path) -> dict[str, str]:
    """Answer file -> its Clough-Stevenson category (cut, light, heavy, non)."""
    with open(root / "file_list.csv", encoding="utf-8", newline="") as f:
        return {r["File"]: r["Category"] for r in csv.DictReader(f)}


def pan_gold(root: Path) -> list[GoldPair]:
    """Gold pairs of the PAN-13 subset in ``root`` (ids are bare file names)."""
    lines = [ln.split() for ln in (root / "pairs").read_text(encoding="utf-8").splitlines() if ln.strip()]
    true = {(s, r) for s, r in lines}
    out = [GoldPair(s, r, "partial", r) for s, r in lines]
    seen = set(true)
    for k, (s, _) in enumerate(lines):
        r = lines[(k + 1) % len(lines)][1]
        if (s, r) not in seen:
            seen.add((s, r))
            out.append(GoldPair(s, r, "unrelated"))
    return out


def seeds_gold(fixtures: Path) -> list[GoldPair]:
    """000 is derived from 003; 001, 002 and 004 report the same event independently."""
    names = {f.name[:3]: f.name for f in fixtures.glob("*.txt")}
    src = names["003"]
    return [GoldPair(names["000"], src, "derived", src),
            *(GoldPair(names[k], src, "related") for k in ("001", "002", "004"))]


def write_gold(pairs: Sequence[GoldPair], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["a", "b", "relation", "source"])
        for g in pairs:
            w.writerow([g.a, g.b, g.relation, g.source or ""])
    return path


# --- running -------------------------------------------------------------------------

def _load_baselines():
    """benchmarks/baselines.py as a module (benchmarks/ is not a package)."""
    name = "dedup_benchmark_baselines"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("baselines.py"))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up here
        spec.loader.exec_module(module)
    return sys.modules[name]


@dataclass
class Labelled:
    key: str
    title: str
    paths: list[str]
    gold: Callable[[], list[GoldPair]]
    note: str = ""
    categories: Callable[[], dict[str, str]] | None = None  # id -> the set's own label, for a breakdown


@dataclass
class Result:
    method: str
    evaluation: object
    seconds: float
    report: object = field(repr=False, default=None)


def run_labelled(bench: Labelled, gold_path: Path, baselines) -> list[Result]:
    """dedup and every baseline on one labelled set."""
    gold = read_gold(gold_path)
    out = []
    t0 = time.perf_counter()
    report = scan(bench.paths)
    out.append(Result("dedup", evaluate(report, gold, str(gold_path)), time.perf_counter() - t0, report))
    for name, fn in baselines.BASELINES.items():
        t0 = time.perf_counter()
        articles, _ = read_articles(bench.paths)
        rep = fn(articles)
        out.append(Result(name, evaluate(rep, gold, str(gold_path)), time.perf_counter() - t0, rep))
    return out


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def labelled_section(bench: Labelled, gold: list[GoldPair], results: list[Result]) -> list[str]:
    counts = {r: sum(g.relation == r for g in gold) for r in GOLD_RELATIONS}
    comp = ", ".join(f"{n} {r}" for r, n in counts.items() if n)
    pos = sum(g.relation in POSITIVE for g in gold)
    lines = [f"## {bench.title}", "", f"{len(gold)} gold pairs ({comp}; {pos} positive). {bench.note}".rstrip(), ""]
    rows = []
    for r in results:
        ev = r.evaluation
        d = ev.direction_accuracy
        wrong = ev.direction_total - ev.direction_correct - ev.direction_undetermined
        direction = "n/a" if d is None else f"{d:.3f} ({ev.direction_correct}/{ev.direction_total}; {wrong} wrong)"
        rows.append([r.method, _f(ev.precision), _f(ev.recall), _f(ev.f1), direction, f"{r.seconds:.1f}"])
    lines.append(tabulate(rows, ["method", "precision", "recall", "F1", "direction accuracy", "seconds"],
                          tablefmt="github", disable_numparse=True))
    ev = results[0].evaluation
    lines += ["", f"dedup: tp {ev.tp}, fp {ev.fp}, fn {ev.fn}, tn {ev.tn}; "
                  f"direction undetermined (no source given) {ev.direction_undetermined}.", "",
              "dedup relation confusion (rows: gold, columns: predicted; no pair = unrelated):", ""]
    header, crows = confusion_rows(ev)
    lines.append(tabulate(crows, header, tablefmt="github", disable_numparse=True))
    if bench.categories:
        lines += ["", "dedup by the set's own labels (each answer vs its own task's source):", ""]
        lines.append(category_table(bench.categories(), gold, results[0].report))
    if ev.errors:
        lines += ["", f"dedup errors ({min(len(ev.errors), MAX_ERRORS)} of {len(ev.errors)}):", ""]
        lines.append(tabulate([[e["kind"], e["a"], e["b"], e["gold"], e["predicted"]]
                               for e in ev.errors[:MAX_ERRORS]],
                              ["error", "a", "b", "gold", "predicted"], tablefmt="github", disable_numparse=True))
    return lines + [""]


def category_table(categories: dict[str, str], gold: list[GoldPair], report) -> str:
    """Rows: the set's labels; columns: dedup's relation for the label's pairs."""
    predicted = {frozenset((p.a, p.b)): p.relation.value for p in report.pairs}
    counts: dict[str, Counter] = {}
    for g in gold:
        if g.relation != "unrelated" and g.a in categories:
            counts.setdefault(categories[g.a], Counter())[predicted.get(frozenset((g.a, g.b)), "unrelated")] += 1
    rows = [[label, *(counts[label][r] for r in GOLD_RELATIONS)] for label in sorted(counts, key=_label_order)]
    return tabulate(rows, ["label \\ predicted", *GOLD_RELATIONS], tablefmt="github", disable_numparse=True)


def _label_order(label: str) -> tuple[int, str]:
    order = ("cut", "light", "heavy", "non")
    return (order.index(label) if label in order else len(order), label)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def exact_duplicate_groups(root: Path) -> list[list[str]]:
    """Groups (size >= 2) of files under ``root``'s sub-folders with the same whitespace-collapsed text."""
    by_text: dict[str, list[str]] = {}
    for path in sorted(root.glob("*/*.txt")):
        text = " ".join(_decode(path.read_bytes()).split())
        by_text.setdefault(text, []).append(path.relative_to(root).as_posix())
    return [ids for ids in by_text.values() if len(ids) > 1]


def _found(groups: list[list[str]], pairs: list, relations: frozenset[str]) -> int:
    hit = {frozenset((p.a, p.b)) for p in pairs if p.relation in relations}
    return sum(all(frozenset((x, y)) in hit for k, x in enumerate(g) for y in g[k + 1:]) for g in groups)


def bbc_section(root: Path, baselines) -> list[str]:
    """BBC News: exact-duplicate groups found, pairs per relation and time (no text written)."""
    groups = exact_duplicate_groups(root)

    def articles():  # the topic folders only: the READMEs at the top are not news
        arts, problems = read_articles([str(root)])
        return [a for a in arts if "/" in a.id], problems

    rows = []
    t0 = time.perf_counter()
    arts, problems = articles()
    report = scan_articles(arts, problems)
    secs = time.perf_counter() - t0
    n = len(arts)
    counts = {r.value: sum(p.relation == r for p in report.pairs) for r in Relation}
    rows.append(["dedup", f"{_found(groups, report.pairs, frozenset({'duplicate'}))}/{len(groups)}",
                 *counts.values(), f"{secs:.1f}"])
    for name, fn in baselines.BASELINES.items():
        t0 = time.perf_counter()
        rep = fn(articles()[0])
        secs = time.perf_counter() - t0
        counts = {r.value: sum(p.relation == r for p in rep.pairs) for r in Relation}
        rows.append([name, f"{_found(groups, rep.pairs, POSITIVE)}/{len(groups)}", *counts.values(), f"{secs:.1f}"])
    return [
        "## BBC News (no derivation labels)", "",
        f"{n} articles. Exact-duplicate groups: same text after collapsing whitespace (utf-8, else latin-1), "
        f"{len(groups)} groups. A group counts as found when all its pairs are predicted duplicate (dedup) "
        "or positive (baselines, which have no duplicate label). Pair counts per predicted relation:", "",
        tabulate(rows, ["method", "exact-dup groups found", *(r.value for r in Relation), "seconds"], tablefmt="github",
                 disable_numparse=True), "",
    ]


# --- report --------------------------------------------------------------------------

def _git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return ""


def header(argv: Sequence[str]) -> list[str]:
    commit = _git("rev-parse", "--short", "HEAD").strip() or "unknown"
    if _git("status", "--porcelain", "--untracked-files=no").strip():
        commit += "+dirty"
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:
        nproc = os.cpu_count()
    now = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return [
        "# Quality benchmarks", "",
        f"- command: `{shlex.join(['python', *argv])}`",
        f"- date: {now}",
        f"- commit: {commit}",
        f"- machine: {nproc} CPUs (nproc), Python {platform.python_version()}, {platform.system()} {platform.machine()}",
        "",
        "Binary question: does one text derive from the other? Positive = duplicate, copy, partial "
        "or derived; negative = related, unrelated or no pair reported. Precision, recall and F1 over the "
        "gold pairs only (0/0 counts as 0). Direction accuracy: over gold pairs with a source that the "
        "method predicts positive; no source given counts as not right, and the cell also says how many "
        "were given the wrong source. dedup names no source for a partial pair without a date or credit "
        "(an excerpt of the other, or a piece the other embeds: the text cannot tell). The baselines "
        "never give a source. "
        "Seconds include reading the files.", "",
        "Baselines (benchmarks/baselines.py, on the raw text, without dedup's cleaning): MinHashLSH "
        "(datasketch, threshold 0.5, 128 permutations, word 5-gram shingles; every LSH hit is positive) and "
        "TF-IDF cosine (scikit-learn, sublinear tf, fixed threshold 0.5; every pair at or above it is positive).",
        "",
    ]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv if argv is None else argv)
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="folder with the benchmark corpora (default: <repo>/../shared/benchmarks)")
    ap.add_argument("--out", type=Path, default=REPO / DEFAULT_OUT,
                    help="Markdown report to write (default: <repo>/reports/benchmarks.md)")
    ap.add_argument("--only", nargs="+", choices=SETS, default=list(SETS), metavar="SET",
                    help=f"run only these sets ({', '.join(SETS)})")
    ap.add_argument("--gold-dir", type=Path, default=None,
                    help="write the gold CSV files here and keep them (default: a temporary folder)")
    args = ap.parse_args(argv[1:])
    data: Path = args.data
    baselines = _load_baselines()
    labelled = {
        "clough": Labelled("clough", "Clough-Stevenson short answers", [str(data / "clough-stevenson" / "texts")],
                           lambda: clough_gold(data / "clough-stevenson"),
                           "Answers vs own task source (cut/light/heavy derived, non related) and vs the "
                           "other tasks' sources (unrelated).",
                           lambda: clough_categories(data / "clough-stevenson")),
        "pan13": Labelled("pan13", "PAN-13 text alignment, no-obfuscation subset",
                          [str(data / "pan13-no-obfuscation" / "susp"), str(data / "pan13-no-obfuscation" / "src")],
                          lambda: pan_gold(data / "pan13-no-obfuscation"),
                          "The 500 listed pairs (partial, source = the source document) and shifted negatives "
                          "(each suspicious document vs the next line's source, true pairs skipped)."),
        "seeds": Labelled("seeds", "Seed articles (fixtures/)", [str(REPO / "fixtures")],
                          lambda: seeds_gold(REPO / "fixtures"),
                          "000 derived from 003; 001, 002, 004 related to 003."),
    }
    folders = {"clough": data / "clough-stevenson", "pan13": data / "pan13-no-obfuscation",
               "seeds": REPO / "fixtures", "bbc": data / "bbc-news"}
    lines = header(argv)
    with tempfile.TemporaryDirectory(prefix="dedup-gold-") as tmp:
        gold_dir = args.gold_dir or Path(tmp)
        for key in SETS:
            if key not in args.only:
                continue
            if not folders[key].is_dir():
                lines += [f"## {key}", "", f"skipped: {folders[key]} not found", ""]
                print(f"quality: {key}: skipped, {folders[key]} not found", file=sys.stderr)
                continue
            print(f"quality: running {key} ...", file=sys.stderr)
            if key == "bbc":
                lines += bbc_section(folders[key], baselines)
                continue
            bench = labelled[key]
            gold = bench.gold()
            gold_path = write_gold(gold, gold_dir / f"{key}.csv")
            lines += labelled_section(bench, gold, run_labelled(bench, gold_path, baselines))
    text = "\n".join(lines).rstrip() + "\n"
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(text)
    print(f"quality: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
