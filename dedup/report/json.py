"""JSON following the contract in the README (``articles``, ``pairs``, ``clusters``).

Indented for reading up to :data:`INDENT_MAX` entries (articles and pairs); compact above,
where the indenting encoder (pure Python: five times the C encoder's time) would take
minutes and the file would be half as large again.
:func:`write` streams a compact report entry by entry: at a million articles the whole
document as one dict and one string would hold gigabytes. A byte of a file name that is
not UTF-8 is written as the text ``\\xNN`` (:func:`dedup.report.escape.json_text`).
"""

from __future__ import annotations

import json
from typing import TextIO

from dedup.model import Report
from dedup.report.escape import json_text


INDENT_MAX = 2_000  # articles and pairs: past a report anyone reads line by line


def indented(report: Report) -> bool:
    """Whether the report is small enough to indent (a fan-out of 450 articles can make 8,500 pairs)."""
    return len(report.articles) + len(report.pairs) <= INDENT_MAX


def render(report: Report) -> str:
    indent = 2 if indented(report) else None
    return json_text(json.dumps(report.to_dict(), ensure_ascii=False, indent=indent))


def write(report: Report, out: TextIO) -> None:
    """:func:`render` into ``out``, a compact report one article or pair at a time."""
    if indented(report):
        out.write(render(report))
        return
    plain = json.JSONEncoder(ensure_ascii=False).encode

    def encode(value) -> str:
        return json_text(plain(value))

    def items(key: str, values, first: bool = False) -> None:
        out.write(("" if first else ", ") + f'"{key}": [')
        for k, value in enumerate(values):
            out.write((", " if k else "") + encode(value))
        out.write("]")

    out.write('{"generated_by": ' + encode(report.command) + ", ")
    items("articles", (report.article_dict(a) for a in report.articles), first=True)
    items("pairs", (p.to_dict() for p in report.pairs))
    items("clusters", (s.to_dict() for s in report.stories))
    items("problems", (p.to_dict() for p in report.problems))
    out.write(', "stats": ' + encode(report.stats) + "}")
