"""A learned relation decision (issue 17), trained on the dev part of the development set and
scored against the hand rules: a measured negative result, kept so that it can be reproduced.

    python benchmarks/relation_model.py [--data ../shared/benchmarks] [--out reports/relation_model.md]
                                        [--json reports/relation_model.json] [--table FILE.csv]

Training pairs, the dev part only (``benchmarks/devset``; the held-out part is never built
here): every gold pair of the pages, quotes, writethrough and Urdu cases, measured as a scan
of its case measures it (the scan cleans the articles; a :class:`dedup.confirm.Confirmer`
fitted as the scan's then measures the gold pairs), and the BBC pairs a scan reports between
two dev articles: independent articles of one newsroom, labelled *no derivation* when the
rules call them related, or derived with no shared verbatim passage of ``BBC_UPDATE_RUN``
words; left out (an update of the other, or the same background paragraph reused: the text
cannot tell) when they share one.

The model is a logistic regression over :data:`FEATURES` (standardised) and decides what the
rules leave open, at the related cosine or more (duplicate and copy stay with the verbatim
rules; below the related cosine only verbatim reuse counts). Two scopes (:data:`SCOPES`):

* ``grades``: the pairs the rules call partial, derived or related, as no derivation
  (related), partial or derived (gold copy counts as partial, related/unrelated as none);
* ``derivations``: the pairs the rules call partial or derived, as partial or derived.

Choices (regularisation, class weights) are made by 5-fold cross-validation over the dev pairs,
folds grouped by source story; the report gives, per case, the graded macro-F1 over the gold
pairs of the hand rules and of the model (out of fold), the BBC dev pairs it calls derived and
partial, and the weights; ``--json`` writes each scope's parameters (means, scales,
coefficients, intercepts) as plain numbers. Clough, PAN-13, the seeds, the full BBC and the
held-out part are never read here. What the ``grades`` model did in the pipeline (commit
7838c2c wired it in): ``reports/relation_model.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import tempfile
import datetime as dt
import shlex
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from tabulate import tabulate

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks" / "devset"))

import cases  # noqa: E402
import urdu  # noqa: E402

from dedup.confirm import Comparison, Confirmer  # noqa: E402
from dedup.ingest import read_articles  # noqa: E402
from dedup.model import Relation  # noqa: E402
from dedup.params import DEFAULT  # noqa: E402
from dedup.pipeline import Bodies  # noqa: E402
from dedup.relation import relation  # noqa: E402
from dedup.scan import scan_articles  # noqa: E402
from dedup.sketch import featurize  # noqa: E402

DEFAULT_DATA = REPO.parent / "shared" / "benchmarks"
BBC_UPDATE_RUN = 20  # words of a shared verbatim passage that make a BBC pair ambiguous (not trained on)
LABEL = {"unrelated": "none", "related": "none", "partial": "partial", "copy": "partial", "derived": "derived"}
SCOPES = {  # the rules' grades the model decides on -> its classes
    "grades": (("partial", "derived", "related"), ("none", "partial", "derived")),
    "derivations": (("partial", "derived"), ("partial", "derived")),
}
GRID = [(c, w) for c in (0.1, 1.0, 10.0) for w in (None, "balanced")]
FEATURES = {  # name -> what it measures (symmetric in a and b)
    "cosine": "TF-IDF cosine of the texts",
    "containment_high": "share of the more contained text in shared verbatim passages",
    "containment_low": "the same, of the other text",
    "longest_passage": "log(1 + words of the longest shared verbatim passage)",
    "aligned": "log(1 + sentences aligned in order)",
    "in_order": "share of the matched sentences in the same order",
    "aligned_similarity": "mean cosine of the aligned sentences",
    "coverage_high": "share of one text in aligned sentences (the higher)",
    "coverage_low": "the same, of the other text",
    "matched_high": "share of one text in sentences matched one to one, order ignored (the higher)",
    "matched_low": "the same, of the other text",
    "quotes": "log(1 + quotations both carry)",
}


def features(c: Comparison) -> np.ndarray:
    """The :data:`FEATURES` of a comparison."""
    return np.array([c.cosine, *sorted((c.containment_ab, c.containment_ba), reverse=True), np.log1p(c.longest_run),
                     np.log1p(c.aligned), c.order, c.similarity, *sorted((c.coverage_a, c.coverage_b), reverse=True),
                     *sorted((c.matched_coverage_a, c.matched_coverage_b), reverse=True), np.log1p(len(c.quotes))])


@dataclass
class Row:
    case: str
    group: str  # the source story: folds keep a story's pairs together
    a: str
    b: str
    gold: str  # a gold relation, or "" for a BBC pair left out of training
    hand: str  # the scan's relation ("unrelated": no pair)
    in_scope: bool  # the model decides this pair
    x: np.ndarray


def measured(folder: Path, pairs: list[tuple[str, str]]) -> tuple[dict, dict]:
    """The hand rules' relation of each of ``pairs`` the scan reports (whatever the current
    weights: they only grade reported pairs), and the comparison of each of ``pairs`` as the
    scan measures it (same cleaning, same TF-IDF), by ``frozenset((a, b))``."""
    articles, _ = read_articles([str(folder)])
    report = scan_articles(articles)  # cleans ``articles`` in place, as the scan sees them
    reported = {frozenset((p.a, p.b)): p.relation for p in report.pairs}
    where = {a.id: k for k, a in enumerate(articles)}
    bodies = Bodies(articles)
    confirmer = Confirmer().fit(bodies, featurize(bodies).terms)
    index = [(where[a], where[b]) for a, b in pairs]
    comps = {frozenset(p): c for p, c in zip(pairs, confirmer.compare_many(index) if index else [])}
    hand = {}
    for key, c in comps.items():
        if key in reported:
            rule = relation(c, same_words=reported[key] == Relation.DUPLICATE)
            assert rule is not None, f"{sorted(key)}: reported, but no relation by the rules"
            hand[key] = rule.value
    return hand, comps


OPEN: tuple[str, ...] = SCOPES["grades"][0]  # set by train()
CLASSES: tuple[str, ...] = SCOPES["grades"][1]


def in_scope(hand: str, cosine: float) -> bool:
    return hand in OPEN and cosine >= DEFAULT.related_cosine


def trainable(r: Row) -> bool:
    return r.in_scope and bool(r.gold) and LABEL[r.gold] in CLASSES


def case_rows(data: Path, work: Path) -> list[Row]:
    stories = cases.bbc_stories(data / "bbc-news")
    built = cases.pages(stories) + cases.quotes(stories) + cases.writethroughs(stories) + \
        urdu.urdu(cases.urdu_rows(data / "urdu-news-text" / "rows.jsonl"))
    rows = []
    for case in (c for c in built if c.split == "dev"):
        folder = work / case.name
        articles_path, _ = case.write(folder)
        hand, comps = measured(articles_path, [(a, b) for a, b, _, _ in case.gold])
        for a, b, rel, _ in case.gold:
            c, key = comps[frozenset((a, b))], frozenset((a, b))
            h = hand.get(key, "unrelated")
            group = f"{case.name}:{(_source_of(a))}"
            rows.append(Row(case.name, group, a, b, rel, h, in_scope(h, c.cosine), features(c)))
        print(f"{case.name}: {len(case.gold)} gold pairs", file=sys.stderr)
    return rows


def _source_of(article_id: str) -> str:
    """The source story of a case's article id: ``page/tech/001`` -> ``tech/001``, ``row/123`` ->
    ``123``, a quotes case's unit ``q7/a/tech/001`` -> ``q7``."""
    head, _, rest = article_id.partition("/")
    return head if re.fullmatch(r"q\d+", head) else rest


def bbc_rows(data: Path) -> list[Row]:
    root = data / "bbc-news"
    articles, _ = read_articles([str(root)])
    report = scan_articles(articles)
    body = {a.id: " ".join((a.body or "").split()) for a in report.articles}
    dev = [p for p in report.pairs if all(cases.split_of(x.removesuffix(".txt")) == "dev" for x in (p.a, p.b))
           and body[p.a] != body[p.b]]
    hand, comps = measured(root, [(p.a, p.b) for p in dev])
    rows = []
    for p in dev:
        c = comps[frozenset((p.a, p.b))]
        h = hand[frozenset((p.a, p.b))]
        independent = h == "related" or (h == "derived" and c.longest_run < BBC_UPDATE_RUN)
        rows.append(Row("bbc", f"bbc:{p.a}", p.a, p.b, "related" if independent else "", h,
                        in_scope(h, c.cosine), features(c)))
    print(f"bbc: {len(rows)} dev pairs, {sum(r.gold == '' for r in rows)} left out", file=sys.stderr)
    return rows


def fit(x: np.ndarray, y: np.ndarray, c: float, weight: str | None) -> tuple[np.ndarray, np.ndarray, LogisticRegression]:
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, class_weight=weight, max_iter=5000).fit((x - mean) / scale, y)
    return mean, scale, model


def predict(model: tuple[np.ndarray, np.ndarray, LogisticRegression], x: np.ndarray) -> np.ndarray:
    mean, scale, m = model
    return m.predict((x - mean) / scale)


def graded(rows: list[Row], classes: np.ndarray | None) -> list[str]:
    """The relation each row ends with: the scan's, or the model's class where it decides."""
    out = []
    for k, r in enumerate(rows):
        if classes is None or not r.in_scope:
            out.append(r.hand)
        else:
            out.append({"none": "related"}.get(CLASSES[int(classes[k])], CLASSES[int(classes[k])]))
    return out


def macro_f1(gold: list[str], predicted: list[str]) -> float:
    """As benchmarks/devset/run.py: mean F1 over the gold relations present, no pair = unrelated."""
    scores = []
    for rel in sorted(set(gold)):
        tp = sum(g == rel and p == rel for g, p in zip(gold, predicted))
        n_gold, n_pred = gold.count(rel), predicted.count(rel)
        prec, rec = tp / n_pred if n_pred else 0.0, tp / n_gold
        scores.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(scores) / len(scores)


def cross_validate(rows: list[Row], c: float, weight: str | None) -> np.ndarray:
    """The class of every in-scope row (-1 elsewhere): out of fold for the groups holding a
    trainable row; a row of no such group (a pair left out of training) is classed by the
    model fitted on all trainable rows, which never saw it."""
    train = [k for k, r in enumerate(rows) if trainable(r)]
    scoped = [k for k, r in enumerate(rows) if r.in_scope]
    x = np.array([rows[k].x for k in train])
    y = np.array([CLASSES.index(LABEL[rows[k].gold]) for k in train])
    groups = np.array([rows[k].group for k in train])
    out = np.full(len(rows), -1)
    rest = [k for k in scoped if rows[k].group not in set(groups.tolist())]
    if rest:
        out[rest] = predict(fit(x, y, c, weight), np.array([rows[k].x for k in rest]))
    for fit_at, test_at in GroupKFold(n_splits=5).split(x, y, groups):
        model = fit(x[fit_at], y[fit_at], c, weight)
        held = {rows[train[k]].group for k in test_at}
        at = [k for k in scoped if rows[k].group in held]
        out[at] = predict(model, np.array([rows[k].x for k in at]))
    assert (out[scoped] >= 0).all()
    return out


def case_table(rows: list[Row], classes: np.ndarray) -> list[list]:
    table = []
    for name in ("pages", "quotes", "writethrough", "urdu"):
        mine = [k for k, r in enumerate(rows) if r.case == name]
        gold = [rows[k].gold for k in mine]
        hand = graded([rows[k] for k in mine], None)
        model = graded([rows[k] for k in mine], classes[mine])
        table.append([name, len(mine), sum(rows[k].in_scope for k in mine), f"{macro_f1(gold, hand):.3f}",
                      f"{macro_f1(gold, model):.3f}"])
    bbc = [k for k, r in enumerate(rows) if r.case == "bbc"]
    hand = Counter(graded([rows[k] for k in bbc], None))
    model = Counter(graded([rows[k] for k in bbc], classes[bbc]))
    table.append(["bbc (derived / partial pairs)", len(bbc), sum(rows[k].in_scope for k in bbc),
                  f"{hand['derived']} / {hand['partial']}", f"{model['derived']} / {model['partial']}"])
    return table


def square(m: LogisticRegression) -> tuple[np.ndarray, np.ndarray]:
    """One row of weights per class (a two-class model's one row as the second class's, the
    first's zero: the same argmax)."""
    assert list(m.classes_) == list(range(len(CLASSES)))
    if len(CLASSES) == 2:
        return np.vstack([np.zeros_like(m.coef_[0]), m.coef_[0]]), np.array([0.0, m.intercept_[0]])
    return m.coef_, m.intercept_


def train(rows: list[Row], scope: str) -> tuple[list, dict, list[str]]:
    """Cross-validate the grid on ``rows`` for ``scope``, fit the chosen setting on all its
    trainable rows: (results per setting, the parameters, the report's lines)."""
    global OPEN, CLASSES
    OPEN, CLASSES = SCOPES[scope]
    for r in rows:
        r.in_scope = in_scope(r.hand, r.x[0])
    results = []
    for c, weight in GRID:
        table = case_table(rows, cross_validate(rows, c, weight))
        results.append((float(np.mean([float(t[4]) for t in table[:4]])), c, weight, table))
        print(f"{scope}: C={c} class_weight={weight}: mean macro-F1 {results[-1][0]:.3f}", file=sys.stderr)
    _, c, weight, table = max(results, key=lambda t: (round(t[0], 3), -abs(np.log10(t[1]))))
    fitted = [r for r in rows if trainable(r)]
    mean, scale, m = fit(np.array([r.x for r in fitted]), np.array([CLASSES.index(LABEL[r.gold]) for r in fitted]),
                         c, weight)
    coef, intercept = square(m)
    params = {"scope": scope, "open": list(OPEN), "classes": list(CLASSES), "features": list(FEATURES),
              "C": c, "class_weight": weight, "mean": mean.tolist(), "scale": scale.tolist(),
              "coef": coef.tolist(), "intercept": intercept.tolist()}
    counts = Counter((r.case, LABEL[r.gold]) for r in fitted)
    weight_rows = [[name, f"{mean[i]:.3f}", f"{scale[i]:.3f}", *(f"{coef[k, i]:+.2f}" for k in range(len(CLASSES)))]
                   for i, name in enumerate(FEATURES)]
    weight_rows.append(["(intercept)", "", "", *(f"{v:+.2f}" for v in intercept)])
    lines = [f"## Scope `{scope}`", "",
             f"The model grades the pairs the rules call {', '.join(OPEN)} (at the related cosine or more) as "
             f"one of {', '.join(CLASSES)}. Training pairs: "
             + ", ".join(f"{k[0]} {k[1]}: {v}" for k, v in sorted(counts.items())) + ".", "",
             tabulate([[f"C={c_}, class_weight={w_}", f"{mean_:.3f}"] for mean_, c_, w_, _ in results],
                      ["setting", "mean graded macro-F1 of the four cases, out of fold"], tablefmt="github"), "",
             f"Chosen: C={c}, class_weight={weight}. Per case, out of fold (gold pairs; macro-F1 as in "
             "`benchmarks/devset/run.py`; BBC: dev pairs called derived / partial):", "",
             tabulate(table, ["case", "gold pairs", "decided by the model", "hand rules", "learned"],
                      tablefmt="github"), "",
             "Weights (features standardised by the training mean and scale; a class's score is its intercept "
             "plus its weights times the standardised features, the highest wins):", "",
             tabulate(weight_rows, ["feature", "mean", "scale", *CLASSES], tablefmt="github"), ""]
    return results, params, lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--work", type=Path, default=None, help="where the dev cases are written (default: temporary)")
    ap.add_argument("--out", type=Path, default=None, help="the Markdown report (default: printed only)")
    ap.add_argument("--json", type=Path, default=None, help="each scope's parameters, as plain numbers")
    ap.add_argument("--table", type=Path, default=None, help="the feature table (CSV)")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="dedup-relation-model-"))
    rows = case_rows(args.data, work) + bbc_rows(args.data)
    if args.table:
        with open(args.table, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["case", "group", "a", "b", "gold", "hand", *FEATURES])
            for r in rows:
                w.writerow([r.case, r.group, r.a, r.b, r.gold, r.hand, *(f"{v:.6g}" for v in r.x)])
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    lines = [f"<!-- generated by: python benchmarks/relation_model.py {shlex.join(argv or sys.argv[1:])} -->",
             "# A learned relation decision: training and cross-validation on the dev part", "",
             f"Measured {dt.date.today()} on commit {commit}. How it is trained: the docstring of "
             "`benchmarks/relation_model.py`. Held-out, Clough, PAN-13, the seeds and the full BBC are not read "
             "here; what the model did on them in the pipeline: `reports/relation_model.md`.", "",
             "Features: " + "; ".join(f"`{k}`: {v}" for k, v in FEATURES.items()) + ".", ""]
    params = {}
    for scope in SCOPES:
        _, params[scope], section = train(rows, scope)
        lines += section
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(params, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
