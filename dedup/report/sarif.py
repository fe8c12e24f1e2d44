"""``dedup check`` findings as a SARIF 2.1.0 log (OASIS schema; what GitHub code scanning reads).

Each finding is a result on the new article's file and lines, under the rule of its relation.
Its ``artifactLocation`` is the file's URI relative to the source root (the git repository
containing the current directory, else the current directory), percent-encoded, with
``uriBaseId`` ``%SRCROOT%`` (given as an absolute ``file:`` URI in ``originalUriBaseIds``); a
file outside the root gets its absolute ``file:`` URI. So ``new/a copy.txt``,
``./new/a copy.txt`` and its absolute path are one ``uri``, ``new/a%20copy.txt``.

A rule's level, and each of its results', is ``error`` when its relation is at ``--fail-on`` or
stronger (it fails the check), else ``warning``.

>>> from dedup.check import Finding
>>> from dedup.model import Article, Pair, Relation
>>> new = Article(id="a copy.txt", text="Copied.", path="/srv/news/new/./a copy.txt")
>>> log = sarif_log([Finding(new, Pair("old.txt", "a copy.txt", Relation.COPY))], root="/srv/news",
...                 describe=lambda f, against: f"{f.match.b} copies {f.match.a}")
>>> (result,) = log["runs"][0]["results"]
>>> result["locations"][0]["physicalLocation"]["artifactLocation"]
{'uri': 'new/a%20copy.txt', 'uriBaseId': '%SRCROOT%'}
>>> result["level"], result["message"]["text"]
('error', 'a copy.txt copies old.txt')
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable

from dedup.check import Finding, fail_level
from dedup.model import Relation
from dedup.report.escape import file_uri, json_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"  # the uriBaseId of the files under the source root
FINGERPRINT = "dedupFinding/v1"
DEFAULT_FAIL_ON = "derived"  # dedup check's default --fail-on
RULES = {  # "another": an article already published, or another new article checked with it
    "duplicate": "The same text as another article (after normalisation).",
    "copy": "The same story text as another article; boilerplate, headline or a few sentences differ.",
    "partial": "Reuses a substantial verbatim passage of another article.",
    "derived": "A paraphrased rewrite, digest or summary of another article.",
    "related": "About the same event as another article, written independently.",
}


def source_root(cwd: str | None = None) -> str:
    """The root of the git repository holding ``cwd`` (default: the current directory): the
    nearest folder, ``cwd`` or above, with a ``.git`` entry (a folder, or a worktree's file);
    ``cwd`` itself when there is none. An absolute path, symbolic links resolved."""
    start = os.path.realpath(cwd or os.getcwd())
    folder = start
    while not os.path.lexists(os.path.join(folder, ".git")):
        parent = os.path.dirname(folder)
        if parent == folder:
            return start
        folder = parent
    return folder


def absolute_uri(path: str) -> str:
    """The ``file:`` URI of an absolute ``path``, percent-encoded (:func:`file_uri`).

    >>> absolute_uri("/srv/news/a copy.txt")
    'file:///srv/news/a%20copy.txt'
    """
    uri = file_uri(path)
    return "file://" + ("" if uri.startswith("/") else "/") + uri


def artifact_location(path: str, root: str) -> dict[str, str]:
    """``path`` (relative to the current directory, or absolute) as a SARIF ``artifactLocation``:
    relative to ``root`` under :data:`SOURCE_ROOT`, or an absolute ``file:`` URI when outside it.

    >>> artifact_location("/srv/news/./new/a copy.txt", "/srv/news")
    {'uri': 'new/a%20copy.txt', 'uriBaseId': '%SRCROOT%'}
    >>> artifact_location("/tmp/a.txt", "/srv/news")
    {'uri': 'file:///tmp/a.txt'}
    """
    full = os.path.abspath(path)
    # as typed (a link to a file is the file in the repository), then through its folder's real path
    for candidate in (full, os.path.join(os.path.realpath(os.path.dirname(full)), os.path.basename(full))):
        try:
            relative = os.path.relpath(candidate, root)
        except ValueError:  # another drive
            continue
        if relative != os.pardir and not relative.startswith(os.pardir + os.sep):
            return {"uri": file_uri(relative), "uriBaseId": SOURCE_ROOT}
    return {"uri": absolute_uri(full)}


def fingerprint(uri: str, row: int | None, matched: str, relation: str) -> str:
    """A finding's stable identity (``partialFingerprints``): a SHA-256 of the new article's
    ``uri`` (root-relative, so the same however its path was typed), its ``row`` line when it
    is a JSONL/CSV row, the id of the ``matched`` article and the ``relation`` (the rule).

    >>> fingerprint("new/a%20copy.txt", None, "old.txt", "copy")[:16]
    'c238a61aa2c8af3c'
    """
    key = "\0".join((uri, "" if row is None else str(row), matched, relation))
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def rule_level(relation: str | Relation, fail_on: Relation) -> str:
    """``error`` when ``relation`` fails the check at ``fail_on``, else ``warning``.

    >>> rule_level("copy", Relation.DERIVED), rule_level("related", Relation.DERIVED)
    ('error', 'warning')
    """
    return "error" if Relation(relation) >= fail_on else "warning"


def sarif_log(findings: list[Finding], against: str = "", fail_on: str = "", *,
              describe: Callable[[Finding, str], str], root: str | None = None) -> dict:
    """The SARIF log of ``findings`` (``describe(finding, against)``: a finding's message;
    ``against``: where the published articles are; ``fail_on``: the ``--fail-on`` level, default
    :data:`DEFAULT_FAIL_ON`; ``root``: the source root, default :func:`source_root`).

    A match with another new article names that article by its location (``matched``, as the
    new article's own uri is made) and says ``"among": "new"``; a published one by its id."""
    from dedup import __version__

    root = root or source_root()
    level = fail_level(fail_on or DEFAULT_FAIL_ON)
    results = []
    for f in findings:
        start, end = f.lines
        location = artifact_location(f.path, root)
        relation = f.match.relation.value
        matched = f.match.a if f.other is None or f.matched_path is None else (
            artifact_location(f.matched_path, root)["uri"] + ("" if f.other.line is None else f":{f.other.line}"))
        results.append({
            "ruleId": relation, "level": rule_level(relation, level),
            "message": {"text": describe(f, against)},
            "locations": [{"physicalLocation": {"artifactLocation": location,
                                                "region": {"startLine": start, "endLine": end}}}],
            "partialFingerprints": {FINGERPRINT: fingerprint(location["uri"], f.article.line, matched, relation)},
            "properties": {"matched": f.match.a, "among": f.among, "source": f.match.source,
                           "scores": f.match.scores.to_dict()},
        })
    rules = [{"id": r, "name": r.capitalize(), "shortDescription": {"text": text},
              "defaultConfiguration": {"level": rule_level(r, level)}} for r, text in RULES.items()]
    return {"$schema": SCHEMA, "version": "2.1.0",
            "runs": [{"tool": {"driver": {"name": "dedup", "version": __version__, "rules": rules}},
                      "invocations": [{"executionSuccessful": True}],
                      "originalUriBaseIds": {SOURCE_ROOT: {"uri": absolute_uri(os.path.join(root, ""))}},
                      "results": results}]}


def sarif_text(findings: list[Finding], against: str = "", fail_on: str = "", *,
               describe: Callable[[Finding, str], str], root: str | None = None) -> str:
    """:func:`sarif_log` as JSON text, ending with a newline (names not UTF-8 shown as ``\\xNN``)."""
    log = sarif_log(findings, against, fail_on, describe=describe, root=root)
    return json_text(json.dumps(log, ensure_ascii=False, indent=2)) + "\n"
