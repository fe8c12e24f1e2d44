"""JSON following the contract in the README (``articles``, ``pairs``, ``clusters``)."""

from __future__ import annotations

import json

from dedup.scan import Report


def render(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
