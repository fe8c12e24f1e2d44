"""``dedup scan`` and ``dedup eval``: thin commands over :func:`dedup.scan.scan`, the Spark
job (:mod:`dedup.spark`) and :func:`dedup.evaluate.evaluate`."""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from dedup.cli.output import note, show_progress, unread, warn, write_report
from dedup.report import format_for_path
from dedup.report.escape import printable

if TYPE_CHECKING:
    from dedup.model import Report
    from dedup.report.deduplicated import RowFile


def run_eval(args: argparse.Namespace) -> int:
    from dedup.evaluate import GoldError, read_gold, render_evaluation, evaluate
    from dedup.scan import scan

    try:
        gold = read_gold(args.gold)
    except GoldError as e:
        print(f"dedup: error: {printable(str(e))}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"dedup: error: cannot read {printable(args.gold)}: {e.strerror}", file=sys.stderr)
        return 2
    report = scan(args.paths, progress=show_progress(args.progress))
    warn(report.problems)
    try:
        result = evaluate(report, gold, path=args.gold)
    except GoldError as e:
        print(f"dedup: error: {printable(str(e))}", file=sys.stderr)
        return 2
    text = render_evaluation(result, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def run_scan(args: argparse.Namespace, argv: list[str]) -> int:
    from dedup.scan import scan

    fmt = args.format or (format_for_path(args.output) if args.output else None) or "table"
    plan = deduplication(args) if args.deduplicated is not None or args.drop is not None else None
    if plan is not None and not isinstance(plan, Deduplication):
        print(f"dedup: error: {plan}", file=sys.stderr)
        return 2
    if args.engine == "spark":
        return run_scan_spark(args, argv, fmt)
    if args.master or args.spark_conf or fmt == "parquet":
        what = "--master" if args.master else "--spark-conf" if args.spark_conf else "parquet output"
        print(f"dedup: error: {what} needs --engine spark", file=sys.stderr)
        return 2
    from dedup.cli import read_options

    report = scan(args.paths, progress=show_progress(args.progress), **read_options(args))
    if args.output:
        report.command = "dedup " + shlex.join(argv)
    warn(report.problems)
    if not report.articles:
        print("dedup: error: no article could be read from " + printable(" ".join(args.paths)), file=sys.stderr)
        return 2
    if plan is not None and plan.write(report, read_options(args)["max_article_bytes"]):
        return 2
    if (plan is None or args.output or args.format) and write_report(report, fmt, args.output):
        return 2
    unread(report.problems)
    return 0


@dataclass(frozen=True)
class Deduplication:
    """``--deduplicated OUT --drop RELATIONS``, checked before the scan."""

    out: str
    drop: frozenset
    rows: RowFile | None  # the file whose rows are copied

    def write(self, report: Report, max_article_bytes: int) -> int:
        """The articles kept to ``out`` and a summary on stderr; 2 (said on stderr) when it cannot be written."""
        from dedup.relation.keep import kept, summary
        from dedup.report.deduplicated import DeduplicatedError, output_format, write_deduplicated

        keep = kept(report, self.drop)
        out = "stdout" if self.out == "-" else printable(self.out)
        try:
            write_deduplicated(report, keep, sys.stdout if self.out == "-" else self.out, self.rows, max_article_bytes)
        except (DeduplicatedError, OSError) as e:
            why = (f"{e}: nothing written to {out}" if isinstance(e, DeduplicatedError)
                   else f"cannot write {out}: {e.strerror or e}")
            print(f"dedup: error: {printable(why)}", file=sys.stderr)
            return 2
        what = f"rows of {printable(self.rows.path)}" if self.rows else "records"
        dropped = ", ".join(r.value for r in sorted(self.drop, reverse=True))
        note(f"dedup: wrote {out} ({output_format(self.rows)} {what}): {summary(len(report.articles), keep)} "
             f"({dropped})")
        return 0


def deduplication(args: argparse.Namespace) -> Deduplication | str:
    """What ``--deduplicated`` and ``--drop`` ask, or the usage error they make."""
    from dedup.relation.keep import DROP, drop_relations
    from dedup.report.deduplicated import output_format, row_file

    if args.deduplicated is None:
        return "--drop needs --deduplicated OUT"
    if args.engine == "spark":
        return "--deduplicated needs the local engine (not --engine spark)"
    try:
        drop = DROP if args.drop is None else drop_relations(args.drop)
    except ValueError as e:
        return f"--drop: {e}"
    rows, out = row_file(args.paths), args.deduplicated
    fmt = output_format(rows)
    if out.lower().endswith((".csv", ".json", ".jsonl")) and out.lower().endswith(".csv") != (fmt == "csv"):
        return (f"--deduplicated {printable(out)}: the output is {fmt} (the input's format: a single .jsonl or .csv "
                "file gives its own, anything else JSONL)")
    if out == "-" and args.format and not args.output:
        return "--deduplicated - and the report both go to stdout: give the report a file (-o)"
    if out != "-" and args.output and os.path.abspath(out) == os.path.abspath(args.output):
        return f"--deduplicated and -o name the same file: {printable(out)}"
    return Deduplication(out, drop, rows)


def run_scan_spark(args: argparse.Namespace, argv: list[str], fmt: str) -> int:
    """``scan --engine spark``: the job of :mod:`dedup.spark`, its report collected here, or
    its tables written by Spark as Parquet (``-o`` a folder on any path Spark can write)."""
    from dedup.spark.session import SparkUnavailable

    if fmt == "parquet" and not args.output:
        print("dedup: error: parquet output needs -o FOLDER", file=sys.stderr)
        return 2
    if "-" in args.paths:
        print("dedup: error: --engine spark reads files and folders, not stdin (-)", file=sys.stderr)
        return 2
    bad = [c for c in args.spark_conf if "=" not in c]
    if bad:
        print(f"dedup: error: --spark-conf {bad[0]}: expected KEY=VALUE", file=sys.stderr)
        return 2
    try:
        from dedup.spark import scan_spark

        result = scan_spark(args.paths, master=args.master, conf=dict(c.split("=", 1) for c in args.spark_conf))
    except SparkUnavailable as e:
        print(f"dedup: error: --engine spark: {e}", file=sys.stderr)
        return 2
    warn(result.problems)
    if not result.stats.get("articles"):
        print("dedup: error: no article could be read from " + printable(" ".join(args.paths)), file=sys.stderr)
        return 2
    if fmt == "parquet":
        try:
            result.write_parquet(args.output)
        except Exception as e:  # Spark reports an existing or unwritable folder as an AnalysisException
            print(f"dedup: error: cannot write {args.output}: {str(e).splitlines()[0]}", file=sys.stderr)
            return 2
        note(f"dedup: wrote {args.output} (parquet): {result.stats['articles']} articles, "
             f"{result.stats['pairs_found']} pairs, {result.stats['stories']} stories")
    else:
        report = result.report(command="dedup " + shlex.join(argv) if args.output else None, texts=fmt == "html")
        if write_report(report, fmt, args.output):
            return 2
    unread(result.problems)
    return 0
