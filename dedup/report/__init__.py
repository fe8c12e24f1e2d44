"""Report writers, one module per format; :func:`render` picks one.

>>> from typing import TextIO

from dedup.scan import Report
>>> print(render(Report([], [], [], {}), "json"))  # doctest: +ELLIPSIS
{
  "generated_by": null,
  "articles": [],
...
"""

from __future__ import annotations

from dedup.scan import Report

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
