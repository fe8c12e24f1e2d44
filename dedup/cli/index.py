"""``dedup index ...`` and ``dedup check``: thin commands over :class:`dedup.index.Index`.

Results go to stdout; progress, warnings and the summary to stderr. An index that
cannot be read (not an index, damaged, made by another version) or reached is a one-line
error and exit 2, never a traceback; so is any unexpected error (``DEDUP_DEBUG=1`` shows
its traceback).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Iterable

from dedup.check import EXIT_ERROR, Finding, check_articles, published_index
from dedup.cli.output import bar, note, show_progress, unread, warn, write_report
from dedup.index import Index, IndexAccessError, IndexFormatError
from dedup.model import Article, Pair, Problem, Relation
from dedup.report import atomic_write
from dedup.report.escape import printable


def run(args: argparse.Namespace, argv: list[str]) -> int:
    try:
        if args.command == "check":
            return _check(args)
        return {"add": _add, "stats": _stats, "report": _report}[args.action](args, argv)
    except (IndexFormatError, IndexAccessError) as e:
        print(f"dedup: error: {printable(str(e))}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("dedup: interrupted", file=sys.stderr)
        return 2
    except BrokenPipeError:  # stdout closed early (| head): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 2
    except Exception as e:  # exit 2 with one line; the traceback on request
        if os.environ.get("DEDUP_DEBUG"):
            traceback.print_exc()
        print(f"dedup: internal error: {type(e).__name__}: {printable(str(e))} (DEDUP_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        return 2


def _read(paths: list[str], what: str, args: argparse.Namespace) -> tuple[list[Article], list[Problem]] | None:
    from dedup.cli import read_options
    from dedup.ingest import read_articles

    articles, problems = read_articles(paths, **read_options(args))
    warn(problems)
    if not articles:
        print(f"dedup: error: no {what} could be read from " + printable(" ".join(paths)), file=sys.stderr)
        return None
    return articles, problems


def _counts(matches: Iterable[Pair]) -> str:
    c = Counter(m.relation for m in matches)
    return ", ".join(f"{c[r]} {r}" for r in Relation if c[r]) or "none"


def _add(args: argparse.Namespace, argv: list[str]) -> int:
    read = _read(args.paths, "article", args)
    if read is None:
        return 2
    articles, problems = read
    with Index.open(args.index) as index:
        found = index.add_many(bar(articles, len(articles), "add", show_progress(args.progress)),
                               existing=args.existing)
        after = len(index)
    matches = [m for ms in found.values() for m in ms]  # counts: what this run stored, not others meanwhile
    note(f"dedup: {printable(args.index)}: {found.added:+,} articles ({after:,} in all)"
         + (f"; {found.replaced:,} replaced" if found.replaced else "")
         + (f"; {found.skipped:,} already there, skipped" if found.skipped else "")
         + f"; matches with articles already in it: {_counts(matches)}")
    unread(problems)
    return 0


def _stats(args: argparse.Namespace, argv: list[str]) -> int:
    with Index.open(args.index, create=False) as index:
        stats = index.stats()
    if args.format == "json":
        print(json.dumps(stats, indent=2, ensure_ascii=False))
        return 0
    from tabulate import tabulate

    rows = [[k, v if not isinstance(v, (int, float)) or isinstance(v, bool) else f"{v:,}"]
            for k, v in stats.items() if k != "params"]
    rows += [[f"params.{k}", v] for k, v in stats["params"].items()]
    print(tabulate(rows, ["", "value"], disable_numparse=True))
    return 0


def _report(args: argparse.Namespace, argv: list[str]) -> int:
    from dedup.report import format_for_path

    fmt = args.format or (format_for_path(args.output) if args.output else None) or "table"
    with Index.open(args.index, create=False) as index:
        report = index.report(progress=show_progress(args.progress))
    report.command = "dedup " + shlex.join(argv)
    return write_report(report, fmt, args.output)


def _check(args: argparse.Namespace) -> int:
    from dedup.cli import read_options

    if not args.paths:  # none of the paths given is an article (said by dedup.cli.articles): an empty result
        return _emit_findings(args, [], {"against": args.against, "checked": 0, "fail_on": args.fail_on,
                                         "published": None}) or 0
    read = _read(args.paths, "new article", args)
    if read is None:
        return EXIT_ERROR
    new, _ = read
    progress = show_progress(args.progress)
    with tempfile.TemporaryDirectory(prefix="dedup-check-") as tmp:
        if os.path.isdir(args.against):
            index, problems = published_index(args.against, new, os.path.join(tmp, "index.db"),
                                              lambda items, n, label: bar(items, n, label, progress),
                                              **read_options(args))
            warn(problems)
        else:
            index = Index.open(args.against, create=False, read_only=True)
        with index:
            published = len(index)
            result = check_articles(bar(new, len(new), "check", progress), index, args.fail_on, progress)
    findings = result.findings
    shown = {"against": args.against, "checked": len(new), "fail_on": args.fail_on, "published": published}
    note(_check_summary(args, len(new), published, findings, result.below))
    return _emit_findings(args, findings, shown) or result.exit_code


def _emit_findings(args: argparse.Namespace, findings: list[Finding], shown: dict) -> int | None:
    """The findings on stdout in ``--format``, and to ``--output`` (SARIF or JSON) when given;
    :data:`EXIT_ERROR` when that file cannot be written (said on stderr), else None."""
    from dedup.report.findings import output_format, render_findings

    sys.stdout.write(render_findings(findings, args.format, **shown))
    if not args.output:
        return None
    fmt = output_format(args.output)
    try:
        with atomic_write(args.output) as f:
            f.write(render_findings(findings, fmt, **shown))
    except OSError as e:
        print(f"dedup: error: cannot write {printable(args.output)}: {printable(e.strerror or str(e))}",
              file=sys.stderr)
        return EXIT_ERROR
    note(f"dedup: wrote {printable(args.output)} ({fmt})")
    return None


def _check_summary(args: argparse.Namespace, checked: int, published: int, findings: list[Finding],
                   below: list[Pair]) -> str:
    """What was compared with what, and what was found (stderr)."""
    line = (f"dedup: checked {_many(checked, 'new article')} against {_many(published, 'published article')} in "
            f"{printable(args.against)}" + (" and against one another" if checked > 1 else "") + ": ")
    found: list[str] = []
    for among, what in (("published", "published articles"), ("new", "other new articles")):
        mine = [f for f in findings if f.among == among]
        hit = len({f.article.id for f in mine})
        if hit:
            found.append(f"{hit}{'' if found else ' of them'} match{'es' if hit == 1 else ''} {what} "
                         f"({_counts(f.match for f in mine)})")
    line += (" and ".join(found) if found else "nothing") + f" at --fail-on {args.fail_on} or above"
    if below:
        line += f"; {_many(len(below), 'weaker match', 'es')} not listed ({_counts(below)})"
    return line


def _many(n: int, what: str, plural: str = "s") -> str:
    return f"{n:,} {what}{plural * (n != 1)}"
