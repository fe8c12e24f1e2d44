"""The development set of issue 17: build it, score dedup and a plain TF-IDF cosine on each
class, dev and held-out parts apart; print a Markdown report (and write it with ``--out``).

    python benchmarks/devset/run.py [--data ../shared/benchmarks] [--work DIR] [--out reports/devset.md]

Per class and part: pairs, binary "derives from" F1 (P / R) of dedup and of a TF-IDF
cosine >= 0.3 (scikit-learn, word tokens, sublinear tf: ``benchmarks/baselines.py``),
dedup's graded macro-F1 over the gold relations present, and direction (right / judged).
For the fan-out: of the copies, how many share the original's story, how many stories the
copies form, and the exit code of ``dedup check`` (library) of one more copy against an
SQLite index of the copies. For the BBC (class 6): pairs called derived or stronger among
the 2,225 articles (no pair of them derives from another but exact duplicates), by part.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cases
import html_pages
import urdu
import wire_copies
from tabulate import tabulate

from dedup.check import check_articles
from dedup.evaluate import GOLD_RELATIONS, POSITIVE, evaluate, read_gold
from dedup.index import Index
from dedup.ingest import read_articles
from dedup.scan import scan

REPO = Path(__file__).resolve().parents[2]
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks"
COSINE = 0.3
FANOUT = {"dev": 300, "held-out": 1000}
CLASSES = ("fanout", "pages", "syndicated", "html", "wire", "quotes", "writethrough", "urdu", "urdu-mixed", "bbc")


def _baselines():
    spec = importlib.util.spec_from_file_location("dedup_benchmark_baselines", REPO / "benchmarks" / "baselines.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def macro_f1(ev) -> float:
    """Mean F1 over the gold relations present ("unrelated" = no pair or unrelated)."""
    scores = []
    for rel in GOLD_RELATIONS:
        gold_n = sum(ev.confusion[rel].values())
        if not gold_n:
            continue
        tp = ev.confusion[rel][rel]
        predicted = sum(ev.confusion[g][rel] for g in GOLD_RELATIONS)
        p, r = tp / predicted if predicted else 0.0, tp / gold_n
        scores.append(2 * p * r / (p + r) if p + r else 0.0)
    return sum(scores) / len(scores)


def _f1(ev) -> str:
    return f"{ev.f1:.3f} ({ev.precision:.3f} / {ev.recall:.3f})"


def labelled_rows(case: cases.Case, folder: Path, baselines) -> tuple[list, object]:
    return scored_row(case.name, case.split, *case.write(folder), baselines)


def scored_row(name: str, split: str, articles_path: Path, gold_path: Path, baselines) -> tuple[list, object]:
    """The report row of one class and part: ``articles_path`` (a file or a folder) scanned,
    scored against ``gold_path``, beside the TF-IDF baseline."""
    gold = read_gold(gold_path)
    t0 = time.perf_counter()
    report = scan([str(articles_path)])
    seconds = time.perf_counter() - t0
    ev = evaluate(report, gold)
    articles, _ = read_articles([str(articles_path)])
    base = evaluate(baselines.tfidf_cosine(articles, COSINE), gold)
    direction = f"{ev.direction_correct}/{ev.direction_total}" if ev.direction_total else "n/a"
    counts = " ".join(f"{r}:{sum(ev.confusion[r].values())}" for r in GOLD_RELATIONS if sum(ev.confusion[r].values()))
    return [name, split, counts, _f1(ev), f"{macro_f1(ev):.3f}", direction, _f1(base),
            f"{seconds:.1f}"], (report, ev)


def confusion_text(name: str, split: str, ev) -> str:
    present = [r for r in GOLD_RELATIONS if sum(ev.confusion[r].values())]
    rows = [[g, *[ev.confusion[g][p] for p in GOLD_RELATIONS]] for g in present]
    return f"{name} / {split} (rows gold, columns dedup):\n\n" + tabulate(
        rows, ["gold \\ dedup", *GOLD_RELATIONS], tablefmt="github")


def fanout_row(case: cases.Case, report, folder: Path) -> list:
    original = case.rows[0]["id"]
    copies = [r["id"] for r in case.rows if r["id"].startswith("copy")]
    story = next((s for s in report.stories if original in s.members), None)
    inside = len(set(copies) & set(story.members)) if story else 0
    outsiders = len([m for m in story.members if m.startswith("other/")]) if story else 0
    stories_of_copies = len({s.root for s in report.stories if set(s.members) & set(copies)})
    with tempfile.TemporaryDirectory() as tmp:
        articles, _ = read_articles([str(folder / "articles.jsonl")])
        by_id = {a.id: a for a in articles}
        index = Index.open(Path(tmp) / "idx.db")
        index.add_many([by_id[c] for c in copies[:-1]], matches=False)
        result = check_articles([by_id[copies[-1]]], index)
        index.close()
    return [case.split, len(copies), f"{inside} of {len(copies)}", stories_of_copies, outsiders,
            result.exit_code, len(result.findings)]


def bbc_rows(root: Path) -> list[list]:
    report = scan([str(root)])
    exact: dict[str, str] = {}
    for a in report.articles:
        exact[a.id] = " ".join((a.body or "").split())
    rows = []
    for split in cases.SPLITS:
        def mine(x: str) -> bool:
            return cases.split_of(x.removesuffix(".txt")) == split
        pairs = [p for p in report.pairs if mine(p.a) and mine(p.b) and exact[p.a] != exact[p.b]]
        derived = sum(str(p.relation) == "derived" for p in pairs)
        stronger = sum(str(p.relation) in POSITIVE for p in pairs)
        n = sum(mine(a.id) for a in report.articles)
        rows.append([split, n, derived, stronger])
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--work", type=Path, default=None, help="where the cases are written (default: a temporary folder)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--only", nargs="*", default=None, choices=CLASSES, metavar="CLASS",
                    help=f"classes (default: all): {' '.join(CLASSES)}")
    args = ap.parse_args(argv)
    want = set(args.only or CLASSES)
    work = args.work or Path(tempfile.mkdtemp(prefix="dedup-devset-"))
    stories = cases.bbc_stories(args.data / "bbc-news")
    built: list[cases.Case] = []
    if "pages" in want:
        built += cases.pages(stories)
    if "syndicated" in want:
        built += cases.syndicated(stories)
    if "wire" in want:
        built += wire_copies.wire_copies(stories)
    if "quotes" in want:
        built += cases.quotes(stories)
    if "writethrough" in want:
        built += cases.writethroughs(stories)
    if "urdu" in want:
        built += urdu.urdu(cases.urdu_rows(args.data / "urdu-news-text" / "rows.jsonl"))
    if "urdu-mixed" in want:
        built += urdu.mixed_cases(cases.urdu_rows(args.data / "urdu-news-text" / "rows.jsonl"))
    baselines = _baselines()
    rows, details = [], []
    for case in built:
        row, (_, ev) = labelled_rows(case, work / case.name / case.split, baselines)
        rows.append(row)
        details.append(confusion_text(case.name, case.split, ev))
        print(" | ".join(map(str, row)), file=sys.stderr)
    if "html" in want:
        for split, folder, gold_path in html_pages.html_pages(stories, work / "html"):
            row, (_, ev) = scored_row("html", split, folder, gold_path, baselines)
            rows.append(row)
            details.append(confusion_text("html", split, ev))
            print(" | ".join(map(str, row)), file=sys.stderr)
    fan_rows = []
    if "fanout" in want:
        for case in cases.fanout(stories, FANOUT):
            folder = work / case.name / case.split
            case.write(folder)
            t0 = time.perf_counter()
            report = scan([str(folder / "articles.jsonl")])
            fan_rows.append(fanout_row(case, report, folder) + [f"{time.perf_counter() - t0:.1f}"])
            print(fan_rows[-1], file=sys.stderr)
    bbc = bbc_rows(args.data / "bbc-news") if "bbc" in want else []
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", "dedup"], capture_output=True,
                           text=True).stdout.strip()
    lines = [f"<!-- generated by: python benchmarks/devset/run.py {shlex.join(argv or sys.argv[1:])} -->",
             "# Development set of issue 17: dev and held-out parts", "",
             f"Measured {dt.date.today()} on commit {commit}{' with uncommitted changes' if dirty else ''}; "
             "how the cases are made: `benchmarks/devset/README.md`. One default configuration.", ""]
    if rows:
        lines += ["## Labelled classes", "", tabulate(rows, ["class", "part", "gold pairs", "dedup F1 (P / R)",
                                                             "graded macro-F1", "direction", f"TF-IDF >= {COSINE} F1",
                                                             "scan s"], tablefmt="github"), ""]
    if fan_rows:
        lines += ["## Fan-out (class 1)", "", tabulate(fan_rows, ["part", "copies", "in the original's story",
                                                                   "stories of copies", "others pulled in",
                                                                   "check exit", "findings", "scan s"],
                                                        tablefmt="github"), ""]
    if bbc:
        lines += ["## Same newsroom (class 6): BBC, no pair derives but exact duplicates", "",
                  tabulate(bbc, ["part", "articles", "derived pairs", "derived or stronger"], tablefmt="github"), ""]
    if details:
        lines += ["## Confusion", ""] + [d + "\n" for d in details]
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
