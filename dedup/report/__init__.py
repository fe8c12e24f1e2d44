"""Report writers, one module per format; :func:`render` picks one, :func:`save` writes it.

>>> print(render(Report([], [], [], {}), "json"))  # doctest: +ELLIPSIS
{
  "generated_by": null,
  "articles": [],
...
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from typing import TextIO

from dedup.model import Report

FORMATS = ("table", "md", "json", "html")


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from dedup.report.json import render as r
    elif fmt == "md":
        from dedup.report.markdown import render as r
    elif fmt == "table":
        from dedup.report.table import render as r
    elif fmt == "html":
        from dedup.report.html import render as r
    else:
        raise ValueError(f"The 'fmt' parameter of render must be one of {', '.join(FORMATS)}. Got {fmt!r} instead.")
    return r(report)


def write(report: Report, fmt: str, out: TextIO) -> None:
    """:func:`render` into the text stream ``out`` (JSON streamed, not built whole)."""
    if fmt == "json":
        from dedup.report.json import write as w

        w(report, out)
    else:
        out.write(render(report, fmt))


def save(report: Report, fmt: str, out: str | os.PathLike | TextIO) -> None:
    """:func:`write` to a text stream, or to a file at a path: written whole to a temporary
    file beside it, then renamed, so a failure never leaves a half-written report (OSError)."""
    if not isinstance(out, (str, os.PathLike)):
        write(report, fmt, out)
        return
    path = os.fspath(out)
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".dedup-", suffix=".tmp", dir=folder)
    try:
        with open(fd, "w", encoding="utf-8") as f:
            write(report, fmt, f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def format_for_path(path: str) -> str | None:
    """The format a file name asks for: ``.json``, ``.md``/``.markdown``, ``.txt``, ``.html``/``.htm``,
    ``.parquet`` (a folder of tables, from ``scan --engine spark``).

    >>> format_for_path("report.HTM")
    'html'
    """
    lower = path.lower()
    for ext, fmt in ((".json", "json"), (".md", "md"), (".markdown", "md"), (".txt", "table"),
                     (".html", "html"), (".htm", "html"), (".parquet", "parquet")):
        if lower.endswith(ext):
            return fmt
    return None
