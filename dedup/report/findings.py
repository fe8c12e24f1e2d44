"""What ``dedup check`` found, as a table, JSON, SARIF 2.1.0 or GitHub annotations.

A finding is a new article and one of its matches (a JSON report pair whose ``b`` is the
new article, ``a`` the article already published).

>>> from dedup import Article
>>> new = Article(id="n.md", text="Intro.\\nThe copied passage.", path="posts/n.md")
>>> match = {"a": "o.md", "b": "n.md", "relation": "copy", "source": "o.md", "reasons": [],
...          "scores": {"cosine": 0.97, "containment_ba": 0.9},
...          "evidence": [{"b_span": [7, 25], "a_span": [0, 18]}]}
>>> print(render_findings([Finding(new, match)], "github", against="pub.db"), end="")
::error file=posts/n.md,line=2,endLine=2,title=dedup%3A copy::n.md is a copy of o.md (source: o.md; cosine 0.97; 90%25 of n.md \
in passages shared with it) in pub.db
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from tabulate import tabulate

from dedup.article import Article

CHECK_FORMATS = ("table", "json", "sarif", "github")
_RULES = {
    "duplicate": "The same text as an article already published (after normalisation).",
    "copy": "The same story text as an article already published; boilerplate, headline or a few sentences differ.",
    "partial": "Reuses a substantial verbatim passage of an article already published.",
    "derived": "A paraphrased rewrite, digest or summary of an article already published.",
    "related": "About the same event as an article already published, written independently.",
}
_PHRASE = {"duplicate": "a duplicate of", "copy": "a copy of", "partial": "reuses a passage of",
           "derived": "derived from", "related": "related to"}


@dataclass
class Finding:
    article: Article  # the new article (as read: ``text`` and ``path`` locate the evidence)
    match: dict  # a JSON report pair, ``b`` = the new article

    @property
    def lines(self) -> tuple[int, int]:
        """First and last line of the first evidence passage in the new article's file (1 when none)."""
        a = self.article
        if a.line is not None:  # a JSONL/CSV row: its line
            return a.line, a.line
        spans = [e["b_span"] for e in self.match.get("evidence", []) if e.get("b_span")]
        if not spans:
            return 1, 1
        start, end = min(spans)
        return a.text.count("\n", 0, start) + 1, a.text.count("\n", 0, max(start, end - 1)) + 1

    @property
    def path(self) -> str:
        return self.article.path or self.article.id

    def message(self) -> str:
        m = self.match
        rel, other, s = m["relation"], m["a"], m.get("scores", {})
        bits = [f"source: {m['source']}"] if m.get("source") else []
        if "cosine" in s:
            bits.append(f"cosine {s['cosine']:.2f}")
        if s.get("containment_ba"):
            bits.append(f"{s['containment_ba']:.0%} of {m['b']} in passages shared with it")
        return f"{m['b']} is {_PHRASE.get(rel, rel)} {other}" + (f" ({'; '.join(bits)})" if bits else "")


def render_findings(findings: list[Finding], fmt: str, against: str = "", checked: int = 0, fail_on: str = "") -> str:
    """The findings in ``fmt`` (one of :data:`CHECK_FORMATS`), ending with a newline (empty when none, for github)."""
    if fmt == "json":
        return json.dumps({"against": against, "fail_on": fail_on, "checked": checked, "found": len(findings),
                           "findings": [{"path": f.path, "line": f.lines[0], "article": f.article.id, **f.match}
                                        for f in findings]}, ensure_ascii=False, indent=2) + "\n"
    if fmt == "sarif":
        return json.dumps(_sarif(findings, against), ensure_ascii=False, indent=2) + "\n"
    if fmt == "github":
        where = f" in {against}" if against else ""
        return "".join(f"::error file={_prop(f.path)},line={f.lines[0]},endLine={f.lines[1]},"
                       f"title={_prop('dedup: ' + f.match['relation'])}::{_data(f.message() + where)}\n"
                       for f in findings)
    if fmt == "table":
        if not findings:
            return "no article copies or rewrites one already published\n"
        rows = [[f"{f.path}:{f.lines[0]}", f.match["relation"], f.match["a"], f.match.get("source") or "",
                 f.match.get("scores", {}).get("cosine", ""),
                 f"{f.match.get('scores', {}).get('containment_ba', 0):.0%}"] for f in findings]
        return tabulate(rows, ["new article", "relation", "already published", "source", "cosine",
                               "new text in shared passages"]) + "\n"
    raise ValueError(f"The 'fmt' parameter of render_findings must be one of {', '.join(CHECK_FORMATS)}. "
                     f"Got {fmt!r} instead.")


def _sarif(findings: list[Finding], against: str) -> dict:
    from dedup import __version__

    results = []
    for f in findings:
        start, end = f.lines
        results.append({
            "ruleId": f.match["relation"], "level": "error",
            "message": {"text": f.message() + (f" in {against}" if against else "")},
            "locations": [{"physicalLocation": {"artifactLocation": {"uri": f.path.replace("\\", "/")},
                                                "region": {"startLine": start, "endLine": end}}}],
            "partialFingerprints": {"dedupPair/v1": f"{f.match['a']}|{f.match['b']}|{f.match['relation']}"},
            "properties": {"matched": f.match["a"], "source": f.match.get("source"),
                           "scores": f.match.get("scores", {})},
        })
    rules = [{"id": r, "name": r.capitalize(), "shortDescription": {"text": text},
              "defaultConfiguration": {"level": "error" if r != "related" else "warning"}}
             for r, text in _RULES.items()]
    return {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "dedup", "version": __version__, "rules": rules}},
                      "results": results}]}


def _data(text: str) -> str:
    """A workflow command's message, escaped as GitHub reads it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    """A workflow command's property value, escaped."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")
