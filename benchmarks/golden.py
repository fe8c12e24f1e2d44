"""Write the expected results the golden tests hold a scan to (tests/golden/): every pair's
ids, relation, source and scores for the seed fixtures and the Clough-Stevenson corpus.

    python benchmarks/golden.py [--data ../shared/benchmarks]

Run it only when a change of results is intended; the commit that changes these files says why.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from dedup.scan import scan

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "tests" / "golden"


def expected(paths: list[str]) -> list[dict]:
    """The pairs of a scan of ``paths``: ids, relation, source, scores (as the JSON report rounds them)."""
    return [{"a": p.a, "b": p.b, "relation": p.relation.value, "source": p.source, "scores": p.scores.to_dict()}
            for p in scan(paths).pairs]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "benchmarks")
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    sets = {"fixtures": [str(REPO / "fixtures")], "clough": [str(args.data / "clough-stevenson" / "texts")]}
    for name, paths in sets.items():
        pairs = expected(paths)
        lines = ",\n".join(json.dumps(p, ensure_ascii=False) for p in pairs)  # a pair a line: diffs show pairs
        (OUT / f"{name}.json").write_text(f"[\n{lines}\n]\n", encoding="utf-8")
        print(f"{OUT / name}.json: {len(pairs)} pairs")


if __name__ == "__main__":
    main()
