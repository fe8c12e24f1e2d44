"""Terminal report: plain text tables (tabulate)."""

from __future__ import annotations

from tabulate import tabulate

from dedup.report import sections as s
from dedup.scan import Report


def render(report: Report) -> str:
    out = [f"dedup: {s.summary(report)}", ""]
    out += ["STORIES: who derives from whom", ""]
    stories = s.story_rows(report)
    out.append(tabulate(stories, ["story", "article", "role", "relation", "why"], maxcolwidths=[None, 40, 30, 10, 60])
               if stories else "(no article derives from another)")
    out += ["", "PAIRS", ""]
    out.append(tabulate(s.pair_rows(report), s.PAIR_HEADERS) if report.pairs else "(none)")
    attribution = s.attribution_rows(report)
    if attribution:
        out += ["", "ATTRIBUTION CLAIMS", "", tabulate(attribution, ["article", "credits", "status", "note"],
                                                       maxcolwidths=[None, 30, None, 70])]
    for head, items in s.evidence(report):
        out += ["", f"EVIDENCE {head}"]
        for label, a, b in items:
            out.append(f"  {label}")
            if a or b:
                out += [f"    a: {a}", f"    b: {b}"]
    removed = s.removed_rows(report)
    if removed:
        out += ["", "REMOVED BOILERPLATE", "", tabulate(removed, ["article", "kinds", "lines"], maxcolwidths=[None, 30, 90])]
    problems = s.problem_lines(report)
    if problems:
        out += ["", "INPUT PROBLEMS (not scanned)"] + [f"  {p}" for p in problems]
    return "\n".join(out) + "\n"
