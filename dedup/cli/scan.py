"""``dedup scan`` and ``dedup eval``: thin commands over :func:`dedup.scan.scan`, the Spark
job (:mod:`dedup.spark`) and :func:`dedup.evaluate.evaluate`."""

from __future__ import annotations

import argparse
import shlex
import sys

from dedup.cli.output import note, show_progress, unread, warn, write_report
from dedup.report import format_for_path
from dedup.report.escape import printable


def run_eval(args: argparse.Namespace) -> int:
    from dedup.evaluate import GoldError, read_gold, render_evaluation, evaluate
    from dedup.scan import scan

    try:
        gold = read_gold(args.gold)
    except GoldError as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"dedup: error: cannot read {args.gold}: {e.strerror}", file=sys.stderr)
        return 2
    report = scan(args.paths, progress=show_progress(args.progress))
    warn(report.problems)
    try:
        result = evaluate(report, gold, path=args.gold)
    except GoldError as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 2
    text = render_evaluation(result, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def run_scan(args: argparse.Namespace, argv: list[str]) -> int:
    from dedup.scan import scan

    fmt = args.format or (format_for_path(args.output) if args.output else None) or "table"
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
    if write_report(report, fmt, args.output):
        return 2
    unread(report.problems)
    return 0


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
