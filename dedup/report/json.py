"""JSON following the contract in the README (``articles``, ``pairs``, ``clusters``).

Indented for reading up to :data:`INDENT_MAX` articles; compact above, where the
indenting encoder (pure Python) would take minutes and the file would be a third larger.
"""

from __future__ import annotations

import json

from dedup.scan import Report


INDENT_MAX = 10_000


def render(report: Report) -> str:
    indent = 2 if len(report.articles) <= INDENT_MAX else None
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=indent)
