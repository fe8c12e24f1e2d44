"""Score a scan report against hand-made gold labels.

A gold file is CSV with the header ``a,b,relation[,source]``: one labelled pair per
line, ``relation`` one of :data:`GOLD_RELATIONS`, ``source`` (optional) the id of
the pair's original. :func:`evaluate` asks, for every gold pair, the binary question
"does one derive from the other?": positive when the relation is duplicate, copy,
partial or derived; negative when it is related or unrelated, or when the report has
no pair for it. Report pairs that the gold file does not list are not scored.

>>> gold = parse_gold("a,b,relation,source\\nx.txt,y.txt,derived,y.txt\\nx.txt,z.txt,unrelated,\\n")
>>> report = {"articles": [{"id": "x.txt"}, {"id": "y.txt"}, {"id": "z.txt"}],
...           "pairs": [{"a": "x.txt", "b": "y.txt", "relation": "copy", "source": "y.txt"}]}
>>> ev = evaluate(report, gold)
>>> ev.tp, ev.fp, ev.fn, ev.tn, ev.f1, ev.direction_accuracy
(1, 0, 0, 1, 1.0, 1.0)
>>> ev.confusion["derived"]["copy"], ev.confusion["unrelated"]["unrelated"]
(1, 1)
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

from dedup.model import Pair, Relation, Report
from dedup.report.escape import printable

GOLD_RELATIONS = (*(r.value for r in Relation), "unrelated")
POSITIVE = frozenset(r.value for r in Relation if r.derives)  # duplicate, copy, partial, derived
COLUMNS = ("a", "b", "relation", "source")
REQUIRED = COLUMNS[:3]
FORMATS = ("table", "json")


class GoldError(ValueError):
    """A problem in a gold file, located by path and line: ``str()`` is ``PATH:LINE: message``.

    >>> str(GoldError("gold.csv", 3, "empty id in column 'a'"))
    "gold.csv:3: empty id in column 'a'"
    """

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path: str = path
        self.line: int = line
        self.message: str = message

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True, slots=True)
class GoldPair:
    """One labelled pair; ``line`` is where it sits in its gold file (0 when built in code)."""

    a: str
    b: str
    relation: str
    source: str | None = None
    line: int = 0

    @property
    def positive(self) -> bool:
        return self.relation in POSITIVE


def read_gold(path: str | os.PathLike[str]) -> list[GoldPair]:
    """The pairs of a gold CSV file; any problem raises :class:`GoldError`."""
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise GoldError(path, data.count(b"\n", 0, e.start) + 1, f"not valid UTF-8 (byte {e.start}): "
                                                                "save the gold file as UTF-8") from None
    return parse_gold(text, path)


def parse_gold(text: str, path: str = "<gold>") -> list[GoldPair]:
    """The pairs of gold CSV ``text``; ``path`` names it in errors.

    >>> parse_gold("a,b,relation\\nx,y,copy\\n")
    [GoldPair(a='x', b='y', relation='copy', source=None, line=2)]
    >>> parse_gold("a,b,relation\\nx,y,clone\\n", "g.csv")
    Traceback (most recent call last):
    ...
    dedup.evaluate.GoldError: g.csv:2: unknown relation 'clone' (allowed: duplicate, copy, partial, derived, related, unrelated)
    """
    reader = csv.reader(io.StringIO(text, newline=""))  # CR, LF or CRLF ends a line, as in the scan's CSV
    try:
        return _gold_pairs(reader, path)
    except csv.Error as e:  # a field over csv.field_size_limit()
        raise GoldError(path, reader.line_num, f"invalid CSV: {e}") from None


def _gold_pairs(reader: Any, path: str) -> list[GoldPair]:
    header = next(reader, None)
    if header is None:
        raise GoldError(path, 1, f"empty file: expected the header {','.join(REQUIRED)}[,source]")
    header = [h.strip() for h in header]
    for name in header:
        if name not in COLUMNS:
            raise GoldError(path, 1, f"unknown column '{name}' (the header is {','.join(REQUIRED)}[,source])")
    for name in REQUIRED:
        if name not in header:
            raise GoldError(path, 1, f"missing column '{name}' (the header is {','.join(REQUIRED)}[,source])")
    if len(set(header)) != len(header):
        raise GoldError(path, 1, "a column is named twice in the header")
    col = {name: k for k, name in enumerate(header)}
    pairs: list[GoldPair] = []
    seen: dict[frozenset[str], int] = {}
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank line
        if len(row) < len(header) and all(name == "source" for name in header[len(row):]):
            row = row + [""] * (len(header) - len(row))  # the optional source left out
        if len(row) != len(header):
            raise GoldError(path, start, f"{len(row)} fields, expected {len(header)} ({','.join(header)})")
        cell = {name: row[k].strip() for name, k in col.items()}
        for name in ("a", "b"):
            if not cell[name]:
                raise GoldError(path, start, f"empty id in column '{name}'")
        a, b, rel = cell["a"], cell["b"], cell["relation"]
        if a == b:
            raise GoldError(path, start, f"'{a}' is paired with itself")
        if rel not in GOLD_RELATIONS:
            raise GoldError(path, start, f"unknown relation '{rel}' (allowed: {', '.join(GOLD_RELATIONS)})")
        source = cell.get("source") or None
        if source is not None and source not in (a, b):
            raise GoldError(path, start, f"source '{source}' is neither a ('{a}') nor b ('{b}')")
        key = frozenset((a, b))
        if key in seen:
            raise GoldError(path, start, f"duplicate pair {a},{b} (already on line {seen[key]})")
        seen[key] = start
        pairs.append(GoldPair(a, b, rel, source, start))
    return pairs


class PairError(TypedDict):
    """A gold pair the report gets wrong: its line in the gold file, ids, gold and predicted
    relations, and ``kind``: ``"false positive"`` or ``"false negative"``."""

    line: int
    a: str
    b: str
    gold: str
    predicted: str
    kind: str


@dataclass
class Evaluation:
    """Binary scores, relation confusion and direction accuracy of one report on one gold file.

    ``precision``, ``recall`` and ``f1`` are 0.0 when their denominator is 0 (0/0 := 0).
    ``direction_accuracy`` is over gold pairs that name a source and are predicted
    positive; a predicted source of None counts as wrong (and in ``direction_undetermined``);
    it is None when no pair qualifies.
    """

    gold_file: str | None
    pairs: int
    tp: int
    fp: int
    fn: int
    tn: int
    confusion: dict[str, dict[str, int]]  # gold relation -> predicted relation -> count
    direction_total: int
    direction_correct: int
    direction_undetermined: int
    errors: list[PairError] = field(default_factory=list)  # false positives and negatives

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def direction_accuracy(self) -> float | None:
        return self.direction_correct / self.direction_total if self.direction_total else None

    def to_dict(self) -> dict[str, Any]:
        """The scores as JSON-ready values (what ``--format json`` prints)."""
        return {
            "gold_file": self.gold_file, "pairs": self.pairs,
            "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn,
            "precision": self.precision, "recall": self.recall, "f1": self.f1,
            "confusion": self.confusion,
            "direction": {"total": self.direction_total, "correct": self.direction_correct,
                          "undetermined": self.direction_undetermined, "accuracy": self.direction_accuracy},
            "errors": self.errors,
        }


def _ratio(num: int, den: int) -> float:
    return num / den if den else 0.0


def _get(obj: Any, name: str) -> Any:
    return obj[name] if isinstance(obj, Mapping) else getattr(obj, name)


def _pair(p: Pair | Mapping[str, Any]) -> Pair:
    """A report's pair, from the JSON form too (its ``a``, ``b``, ``relation``, ``source``)."""
    if isinstance(p, Pair):
        return p
    return Pair(p["a"], p["b"], Relation(p["relation"]), p.get("source"))


def evaluate(report: Report | Mapping[str, Any], gold: Sequence[GoldPair] | str | os.PathLike[str],
             path: str | None = None) -> Evaluation:
    """Score ``report`` (a :class:`dedup.model.Report`, or its ``to_dict()``/JSON form) on ``gold``.

    ``gold`` is a list of :class:`GoldPair` or the path of a gold file; ``path`` names
    the gold file in errors. A gold id that is not among the report's articles raises
    :class:`GoldError` with the closest existing id as a suggestion.
    """
    if isinstance(gold, (str, os.PathLike)):
        path = path or os.fspath(gold)
        gold = read_gold(gold)
    where = path or "<gold>"
    ids = [_get(a, "id") for a in _get(report, "articles")]
    known = set(ids)
    for g in gold:
        for x in (g.a, g.b):
            if x not in known:
                close = difflib.get_close_matches(x, ids, n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                raise GoldError(where, g.line, f"unknown id '{x}' (not among the report's {len(ids)} articles{hint})")
    predicted = {frozenset((p.a, p.b)): p for p in map(_pair, _get(report, "pairs"))}
    confusion = {g: {p: 0 for p in GOLD_RELATIONS} for g in GOLD_RELATIONS}
    tp = fp = fn = tn = 0
    d_total = d_correct = d_undetermined = 0
    errors: list[PairError] = []
    for g in gold:
        p = predicted.get(frozenset((g.a, g.b)))
        rel = p.relation.value if p else "unrelated"
        confusion[g.relation][rel] += 1
        pred_pos = rel in POSITIVE
        if g.positive and pred_pos:
            tp += 1
        elif pred_pos:
            fp += 1
        elif g.positive:
            fn += 1
        else:
            tn += 1
        if g.positive != pred_pos:
            errors.append({"line": g.line, "a": g.a, "b": g.b, "gold": g.relation, "predicted": rel,
                           "kind": "false positive" if pred_pos else "false negative"})
        if g.source and pred_pos:
            d_total += 1
            source = p.source if p else None
            if source is None:
                d_undetermined += 1
            elif source == g.source:
                d_correct += 1
    return Evaluation(path, len(gold), tp, fp, fn, tn, confusion, d_total, d_correct, d_undetermined, errors)


def confusion_rows(ev: Evaluation) -> tuple[list[str], list[list[str | int]]]:
    """Header and rows of the confusion matrix: gold relations present × all predicted relations."""
    header = ["gold \\ predicted", *GOLD_RELATIONS]
    rows = [[g, *(ev.confusion.get(g, {}).get(p, 0) for p in GOLD_RELATIONS)]
            for g in GOLD_RELATIONS if any(ev.confusion.get(g, {}).values())]
    return header, rows


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def render_evaluation(ev: Evaluation, fmt: str = "table", max_errors: int = 20) -> str:
    """``ev`` as text tables (``"table"``) or JSON (``"json"``); the table lists at most ``max_errors`` errors.

    >>> ev = Evaluation(None, 2, 1, 0, 1, 0, {"derived": {"copy": 1}}, 1, 0, 1)
    >>> print(render_evaluation(ev).splitlines()[0])
    2 gold pairs: tp 1, fp 0, fn 1, tn 0
    >>> json.loads(render_evaluation(ev, "json"))["f1"]
    0.6666666666666666
    """
    if fmt == "json":
        return json.dumps(ev.to_dict(), indent=2, ensure_ascii=False)
    if fmt != "table":
        raise ValueError(f"unknown format '{fmt}' (allowed: {', '.join(FORMATS)})")
    from tabulate import tabulate

    out = [f"{ev.pairs} gold pairs: tp {ev.tp}, fp {ev.fp}, fn {ev.fn}, tn {ev.tn}"
           + (f" ({printable(ev.gold_file)})" if ev.gold_file else ""), ""]
    direction = (f"{_fmt(ev.direction_accuracy)} ({ev.direction_correct}/{ev.direction_total}, "
                 f"{ev.direction_undetermined} undetermined)")
    out.append(tabulate([["precision", _fmt(ev.precision)], ["recall", _fmt(ev.recall)], ["F1", _fmt(ev.f1)],
                         ["direction accuracy", direction]], tablefmt="plain"))
    out += ["", "(positive = duplicate/copy/partial/derived; 0/0 counts as 0)", ""]
    header, rows = confusion_rows(ev)
    out.append(tabulate(rows, header, tablefmt="simple"))
    if ev.errors:
        out += ["", "ERRORS"]
        shown = ev.errors[:max_errors]
        out.append(tabulate([[e["line"], e["kind"], printable(e["a"]), printable(e["b"]), e["gold"], e["predicted"]]
                             for e in shown],
                            ["line", "error", "a", "b", "gold", "predicted"], tablefmt="simple"))
        if len(ev.errors) > len(shown):
            out.append(f"... and {len(ev.errors) - len(shown)} more (see --format json)")
    return printable("\n".join(out), keep="\n")  # every field is escaped: this is a safety net
