"""The public API is typed: pyright's ``--verifytypes`` completeness of the package under
test (the ``dedup`` this interpreter imports) stays at :data:`MIN_COMPLETENESS` or more.

pyright (the ``pyright[nodejs]`` test extra: its own Node, no download) resolves ``dedup``
through this interpreter's import path; an editable install's import hook is invisible to
it, so the folder holding the imported package goes first on ``PYTHONPATH``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dedup

MIN_COMPLETENESS = 0.95


def verify_types(package: Path, cwd: Path) -> dict[str, Any]:
    """``pyright --verifytypes NAME --ignoreexternal --outputjson`` for the package folder
    ``package``, run with this interpreter; its ``typeCompleteness`` report."""
    path = [str(package.parent), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(path)}
    run = subprocess.run([sys.executable, "-m", "pyright", "--pythonpath", sys.executable, "--verifytypes",
                          package.name, "--ignoreexternal", "--outputjson"],
                         cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert run.stdout.lstrip().startswith("{"), f"pyright did not run: {run.stderr or run.stdout}"
    report = json.loads(run.stdout)["typeCompleteness"]
    analysed = report["moduleRootDirectory"]
    assert Path(analysed).resolve() == package, f"pyright analysed {analysed!r}, not {str(package)!r}"
    return report


def untyped(report: dict[str, Any]) -> list[str]:
    """The exported symbols whose type is not fully known, each with pyright's first complaint."""
    def complaint(symbol: dict[str, Any]) -> str:
        diagnostics = symbol["diagnostics"]
        return diagnostics[0]["message"].splitlines()[0] if diagnostics else "a member's type is not known"

    return [f"{s['name']}: {complaint(s)}" for s in report["symbols"] if s["isExported"] and not s["isTypeKnown"]]


def test_the_public_api_is_typed(tmp_path: Path) -> None:
    package = Path(dedup.__file__).resolve().parent
    report = verify_types(package, tmp_path)
    counts = report["exportedSymbolCounts"]
    assert sum(counts.values()) > 500  # the whole package was seen, not an empty stub
    missing = untyped(report)
    assert report["completenessScore"] >= MIN_COMPLETENESS, (
        f"type completeness {report['completenessScore']:.1%} < {MIN_COMPLETENESS:.0%}; untyped:\n"
        + "\n".join(missing))


def test_the_check_fails_an_untyped_package(tmp_path: Path) -> None:
    package = tmp_path / "src" / "loosely"
    package.mkdir(parents=True)
    (package / "py.typed").write_text("")
    (package / "__init__.py").write_text(
        '"""Half typed."""\n\n'
        "def typed(x: int) -> int:\n    return x\n\n\n"
        "def untyped(x, y=None):\n    return x\n\n\n"
        "class Box:\n    def __init__(self, v):\n        self.v = v\n")
    report = verify_types(package, tmp_path)
    assert report["completenessScore"] < MIN_COMPLETENESS
    assert any(name.startswith("loosely.untyped:") for name in untyped(report))
