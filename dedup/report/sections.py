"""The parts every human-readable format shows, in reading order.

The answer first (stories: who derives from whom, and why), then pairs with their
scores, attribution claims, the evidence, what was removed, and input problems. Every text
taken from the input (ids, titles, passages, messages) is :func:`~dedup.report.escape.printable`.
"""

from __future__ import annotations

from collections import Counter

from dedup.model import Report
from dedup.report.escape import printable as _p


def _short(text: str, n: int = 160) -> str:
    text = _p(" ".join(text.split()))
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def summary(report: Report) -> str:
    counts = Counter(p.relation for p in report.pairs)
    rels = ", ".join(f"{counts[r]} {r}" for r in ("duplicate", "copy", "partial", "derived", "related") if counts[r])
    return (f"{len(report.articles)} articles, {len(report.pairs)} pairs ({rels or 'none'}), "
            f"{len(report.stories)} {'story' if len(report.stories) == 1 else 'stories'}; {report.stats.get('candidates', 0)} candidate pairs checked "
            f"in {report.stats.get('seconds', 0)} s")


def story_rows(report: Report) -> list[list[str]]:
    """Rows ``[story, article, role, relation, why]``: the root first, then what derives from it."""
    titles = {a.id: a.title or "" for a in report.articles}
    rows = []
    for n, c in enumerate(report.stories, 1):
        root = c.root
        rows.append([str(n), _p(root), "original", "", _short(titles[root], 70)])
        inside = set(c.members)
        for p in report.pairs:
            if p.a not in inside or p.relation == "related":
                continue
            if p.source in (p.a, p.b):
                derived = _p(p.b if p.source == p.a else p.a)
                role = f"from {_p(p.source)}"
            else:
                derived, role = f"{_p(p.a)} ~ {_p(p.b)}", "source unknown"
            why = _p("; ".join(p.reasons) + (f" (against: {'; '.join(p.against)})" if p.against else ""))
            rows.append([str(n), derived, role, p.relation, why])
        if c.related:
            rows.append([str(n), _p(", ".join(c.related)), "same event", "related", "written independently"])
    return rows


def pair_rows(report: Report) -> list[list[str | float]]:
    """One row of :data:`PAIR_HEADERS` per pair."""
    rows: list[list[str | float]] = []
    for p in report.pairs:
        s = p.scores
        rows.append([_p(p.a), _p(p.b), p.relation, _p(p.source or ""), s.cosine,
                     f"{s.containment_ab:.2f}/{s.containment_ba:.2f}", s.longest_passage_words,
                     f"{s.aligned_sentences}/{s.sentences_a}:{s.sentences_b}", s.in_order,
                     s.shared_quotes])
    return rows


PAIR_HEADERS = ["a", "b", "relation", "source", "cosine", "containment a/b", "longest passage",
                "aligned (of a:b)", "in order", "quotes"]


def attribution_rows(report: Report) -> list[list[str]]:
    rows = []
    for a in report.articles:
        for check in report.attribution.get(a.id, []):
            flag = "" if check.status in ("matched", "self") else "NOT MATCHING: "
            rows.append([_p(a.id), _p(check.claim), check.status, _p(flag + check.note)])
    return rows


def evidence(report: Report, limit: int = 8) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Per derived-or-stronger pair: a heading and ``(label, a_text, b_text)`` passages."""
    out = []
    for p in report.pairs:
        if p.relation == "related":
            continue
        head = f"{_p(p.a)} ~ {_p(p.b)}: {p.relation}"
        if p.source:
            head += f", source {_p(p.source)}"
        items = []
        for e in p.evidence[:limit]:
            label = f"{e.kind} {e.similarity:.2f} a[{e.a_span[0]}:{e.a_span[1]}] b[{e.b_span[0]}:{e.b_span[1]}]"
            items.append((label, _short(e.a, 240), _short(e.b, 240)))
        more = len(p.evidence) - limit
        if more > 0:
            items.append((f"... {more} more passages (see the JSON report)", "", ""))
        for q in p.quotes[:3]:
            items.append((f"shared quote a[{q.a_span[0]}:{q.a_span[1]}]", _short(q.a, 200), _short(q.b, 200)))
        out.append((head, items))
    return out


def removed_rows(report: Report, limit: int = 6) -> list[list[str]]:
    rows = []
    for a in report.articles:
        if not a.removed:
            continue
        kinds = Counter(r.split(":", 1)[0] for r in a.removed)
        shown = [_short(r, 90) for r in a.removed[:limit]]
        if len(a.removed) > limit:
            shown.append(f"... {len(a.removed) - limit} more")
        rows.append([_p(a.id), _p(", ".join(f"{k} {v}" for k, v in kinds.items())), "\n".join(shown)])
    return rows


def problem_lines(report: Report) -> list[str]:
    """One line per input problem: skipped inputs (errors), then doubts about read ones (warnings)."""
    return [_p(f"{p.level}: {p}") for p in sorted(report.problems, key=lambda p: p.level != "error")]
