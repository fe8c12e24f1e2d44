"""What ``dedup check`` found, as a table, JSON, SARIF 2.1.0 or GitHub annotations.

A finding (:class:`dedup.check.Finding`) is a new article and one of its matches (a
:class:`dedup.model.Pair` whose ``b`` is the new article, ``a`` the article already published,
or another new article that it copies: ``Finding.among`` says which).

>>> from dataclasses import replace
>>> from dedup.model import Article, Evidence, Pair, Relation, Scores
>>> new = Article(id="n.md", text="Intro.\\nThe copied passage.", path="posts/n.md")
>>> match = Pair("o.md", "n.md", Relation.COPY, "o.md", scores=Scores(cosine=0.97, containment_ba=0.9),
...              evidence=(Evidence("verbatim", 1.0, "", "", (0, 18), (7, 25)),))
>>> print(render_findings([Finding(new, match)], "github", against="pub.db"), end="")
::error file=posts/n.md,line=2,endLine=2,title=dedup%3A copy::n.md is a copy of o.md (source: o.md; cosine 0.97; 90%25 of n.md \
in passages shared with it) in pub.db
>>> first = Article(id="o2.md", text="The copied passage.", path="posts/o2.md")
>>> also = Finding(new, replace(match, a="o2.md", source="o2.md"), first)  # another new article
>>> print(render_findings([also], "github"), end="")
::error file=posts/n.md,line=2,endLine=2,title=dedup%3A copy::n.md is a copy of o2.md (source: o2.md; \
cosine 0.97; 90%25 of n.md in passages shared with it), another new article (posts/o2.md)

File names and ids are shown safely: in the table and the annotations with control characters
and undecodable bytes escaped (``bad\\xff.txt``, ``a\\x1b[31m``), annotations escaped as GitHub
reads workflow commands (so a name cannot start a command of its own), JSON and SARIF with
undecodable bytes as the text ``\\xNN`` and the SARIF ``uri`` percent-encoded.
"""

from __future__ import annotations

import json

from tabulate import tabulate

from dedup.check import Finding
from dedup.report.escape import json_text, printable, workflow_data, workflow_property
from dedup.report.sarif import sarif_text

CHECK_FORMATS = ("table", "json", "sarif", "github")
_PHRASE = {"duplicate": "a duplicate of", "copy": "a copy of", "partial": "reuses a passage of",
           "derived": "derived from", "related": "related to"}


def message(f: Finding, against: str = "") -> str:
    """One line saying what the new article is of the matched one, and where that one is
    (``against``: the published set, named when given; another new article: its file)."""
    m = f.match
    s = m.scores
    bits = [f"source: {m.source}"] if m.source else []
    bits.append(f"cosine {s.cosine:.2f}")
    if s.containment_ba:
        bits.append(f"{s.containment_ba:.0%} of {m.b} in passages shared with it")
    if f.other is not None:
        where = ", another new article" + (f" ({f.other.where})" if f.other.path else "")
    else:
        where = f" in {against}" if against else ""
    return f"{m.b} is {_PHRASE[m.relation]} {m.a}" + f" ({'; '.join(bits)})" + where


def output_format(path: str) -> str:
    """The format of a findings file ``--output``: sarif for ``.sarif`` (and ``.sarif.json``), else json.

    >>> output_format("dedup.SARIF"), output_format("findings.json"), output_format("out")
    ('sarif', 'json', 'json')
    """
    return "sarif" if path.lower().endswith((".sarif", ".sarif.json")) else "json"


def render_findings(findings: list[Finding], fmt: str, against: str = "", checked: int = 0, fail_on: str = "",
                    published: int | None = None) -> str:
    """The findings in ``fmt`` (one of :data:`CHECK_FORMATS`), ending with a newline (empty when none, for
    github). ``checked``: how many new articles; ``published``: how many published ones they were compared with."""
    if fmt == "json":
        return json_text(json.dumps({"against": against, "fail_on": fail_on, "checked": checked,
                                     "published": published, "found": len(findings),
                                     "findings": [{"path": f.path, "line": f.lines[0], "article": f.article.id,
                                                   "among": f.among, "matched_path": f.matched_path,
                                                   **f.match.to_dict()} for f in findings]},
                                    ensure_ascii=False, indent=2)) + "\n"
    if fmt == "sarif":
        return sarif_text(findings, against, fail_on, describe=message)
    if fmt == "github":
        return "".join(f"::error file={workflow_property(f.path)},line={f.lines[0]},endLine={f.lines[1]},"
                       f"title={workflow_property(f'dedup: {f.match.relation}')}::"
                       f"{workflow_data(message(f, against))}\n"
                       for f in findings)
    if fmt == "table":
        if not findings:
            return "no article copies or rewrites one already published or another new one\n"
        rows = [[printable(f"{f.path}:{f.lines[0]}"), str(f.match.relation),
                 printable(f.other.where if f.other is not None and f.other.path else f.match.a), f.among, printable(f.match.source or ""),
                 f.match.scores.cosine, f"{f.match.scores.containment_ba:.0%}"] for f in findings]
        return tabulate(rows, ["new article", "relation", "matches", "in", "source", "cosine",
                               "new text in shared passages"]) + "\n"
    raise ValueError(f"The 'fmt' parameter of render_findings must be one of {', '.join(CHECK_FORMATS)}. "
                     f"Got {fmt!r} instead.")
