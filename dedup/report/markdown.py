"""Markdown report: the same sections as the terminal table, as GitHub Markdown."""

from __future__ import annotations

from tabulate import tabulate

from dedup.report import sections as s
from dedup.scan import Report


def _cell(x: object) -> str:
    return str(x).replace("|", "\\|").replace("\n", "<br>")


def _table(rows: list[list], headers: list[str]) -> str:
    return tabulate([[_cell(c) for c in r] for r in rows], headers, tablefmt="github")


def render(report: Report) -> str:
    out = ["# dedup report", "", s.summary(report), "", "## Stories: who derives from whom", ""]
    stories = s.story_rows(report)
    out.append(_table(stories, ["story", "article", "role", "relation", "why"]) if stories
               else "No article derives from another.")
    out += ["", "## Pairs", "", _table(s.pair_rows(report), s.PAIR_HEADERS) if report.pairs else "None."]
    attribution = s.attribution_rows(report)
    if attribution:
        out += ["", "## Attribution claims", "", _table(attribution, ["article", "credits", "status", "note"])]
    ev = s.evidence(report)
    if ev:
        out += ["", "## Evidence"]
        for head, items in ev:
            out += ["", f"### {head}", ""]
            for label, a, b in items:
                out.append(f"- **{label}**")
                if a or b:
                    out += [f"  - a: {_cell(a)}", f"  - b: {_cell(b)}"]
    removed = s.removed_rows(report)
    if removed:
        out += ["", "## Removed boilerplate", "", _table(removed, ["article", "kinds", "lines"])]
    problems = s.problem_lines(report)
    if problems:
        out += ["", "## Input problems (not scanned)", ""] + [f"- {_cell(p)}" for p in problems]
    return "\n".join(out) + "\n"
