"""Results held to the golden ones (tests/golden/, see its README): every pair's ids,
relation, source and scores for the seed fixtures and Clough-Stevenson (read from
``../shared/benchmarks``; skipped when absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dedup.scan import scan

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "golden"
CLOUGH = REPO.parent / "shared" / "benchmarks" / "clough-stevenson" / "texts"


def pairs_of(paths: list[str]) -> list[dict]:
    return [{"a": p.a, "b": p.b, "relation": p.relation.value, "source": p.source, "scores": p.scores.to_dict()}
            for p in scan(paths).pairs]


def check(name: str, got: list[dict]) -> None:
    want = json.loads((GOLDEN / f"{name}.json").read_text(encoding="utf-8"))
    key = lambda p: (p["a"], p["b"], p["relation"], p["source"])  # noqa: E731
    assert [key(p) for p in got] == [key(p) for p in want]
    assert got == want  # scores too, to the report's three decimals


def test_fixtures():
    check("fixtures", pairs_of([str(REPO / "fixtures")]))


def test_clough_stevenson():
    if not CLOUGH.is_dir():
        pytest.skip(f"Clough-Stevenson corpus not found at {CLOUGH}")
    check("clough", pairs_of([str(CLOUGH)]))
