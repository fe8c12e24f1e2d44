"""Command line: a thin layer over :func:`dedup.scan.scan` and :class:`dedup.index.Index`.

Exit codes: ``scan``, ``eval``, ``index``: 0 done; 2 usage error, nothing readable, a bad
gold file, an unwritable output, or an index that cannot be read. ``check``: 0 nothing
found, 1 found, 2 usage or internal error (see ``CHECK_EXIT``). Unreadable inputs are
listed on stderr (and in the report) and the rest is processed.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from dedup import __version__
from dedup.report import FORMATS, format_for_path, write
from dedup.report.findings import CHECK_FORMATS
from dedup.report.sections import summary

FAIL_ON = ("copy", "partial", "derived", "related")
CHECK_EXIT = """exit codes:
  0  no new article matches one already published at the --fail-on level or above
  1  at least one does (listed on stdout)
  2  usage error, no article readable, an index that cannot be read, or an internal error"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="dedup", description="Find copies, excerpts, rewrites and same-event reports among news articles.")
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan = commands.add_parser(
        "scan", help="report which articles derive from which, with the evidence",
        description="Scan articles (.txt .md .html .htm .json .jsonl .csv files, directories, "
                    "or - for JSONL on stdin) and report duplicate, copy, partial, derived and related pairs.")
    inputs = scan.add_argument_group("Input")
    inputs.add_argument("paths", nargs="+", metavar="PATH", help="file, directory (recursive) or -")
    _report_options(scan.add_argument_group("Output"), parquet=True)
    engine = scan.add_argument_group("Engine")
    engine.add_argument("--engine", choices=("local", "spark"), default="local",
                        help="local (this machine's cores, the default) or spark: an Apache Spark job, "
                             "for archives past one machine (pip install 'dedup[spark]'); paths may then be "
                             "any URI Spark reads (hdfs:, s3a:...), and -o a .parquet folder")
    engine.add_argument("--master", metavar="URL",
                        help="with --engine spark: local[N], spark://HOST:PORT, yarn, k8s://... "
                             "(default: what spark-submit set, else local[*])")
    engine.add_argument("--spark-conf", action="append", default=[], metavar="KEY=VALUE",
                        help="with --engine spark: a Spark setting for a session started here, as "
                             "spark-submit's --conf (repeatable), e.g. spark.driver.memory=8g")
    ev = commands.add_parser(
        "eval", help="score a scan against labelled pairs (precision, recall, F1, confusion, direction)",
        description="Scan PATH... and score the result against GOLD, a CSV with the header "
                    "a,b,relation[,source] (ids as in the JSON report; relation one of duplicate, copy, "
                    "partial, derived, related, unrelated).")
    ev.add_argument("gold", metavar="GOLD.csv", help="labelled pairs")
    ev.add_argument("paths", nargs="+", metavar="PATH", help="file, directory (recursive) or -")
    ev.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    _progress_option(ev)
    index = commands.add_parser(
        "index", help="a persistent index (SQLite file or redis:// URL): add articles, stats, report",
        description="A persistent index that articles are added to, for ingestion jobs and CI "
                    "(see `dedup check`). INDEX is an SQLite file path (made when absent) or "
                    "redis://HOST:PORT/DB?prefix=NAME.")
    actions = index.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add articles to INDEX (made when absent)",
                             description="Add articles to INDEX; each is compared with those already in it.")
    add.add_argument("index", metavar="INDEX", help="SQLite file or redis:// URL")
    add.add_argument("paths", nargs="+", metavar="PATH", help="file, directory (recursive) or -")
    add.add_argument("--existing", choices=("skip", "replace", "error"), default="skip",
                     help="an id already in the index: skip it (default), replace it, or stop with an error")
    _progress_option(add)
    stats = actions.add_parser("stats", help="what INDEX holds", description="Counts, sizes and parameters of INDEX.")
    stats.add_argument("index", metavar="INDEX")
    stats.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    rep = actions.add_parser("report", help="the whole index as `dedup scan` would report it",
                             description="Report INDEX's articles as `dedup scan` would over the same articles "
                                         "in the order they were added.")
    rep.add_argument("index", metavar="INDEX")
    _report_options(rep)
    check = commands.add_parser(
        "check", help="CI gate: do new articles copy or rewrite ones already published? (exit 1 if so)",
        description="Compare each NEW article with the articles already published (an index, or a "
                    "directory read into a temporary index; files given as NEW are left out of it) and "
                    "report the matches at the --fail-on level or above on stdout; a summary on stderr.",
        epilog=CHECK_EXIT, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", metavar="NEW", help="new article: file, directory (recursive) or -")
    check.add_argument("--against", required=True, metavar="INDEX|DIR",
                       help="an index (SQLite file or redis:// URL) or a directory of published articles")
    check.add_argument("--fail-on", choices=FAIL_ON, default="derived",
                       help="the weakest relation that counts as found: copy (and duplicate), partial, derived "
                            "(default: derived or stronger) or related (everything)")
    check.add_argument("--format", choices=CHECK_FORMATS, default="table",
                       help="table (default), json, sarif (SARIF 2.1.0) or github (workflow annotations)")
    _progress_option(check)
    return parser.parse_args(argv)


def _progress_option(parser) -> None:
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")


def _report_options(parser, parquet: bool = False) -> None:
    """The options of the commands that write a report (``scan``, ``index report``)."""
    parser.add_argument("-o", "--output", metavar="FILE", help="write the report here (format from the extension)")
    parser.add_argument("--format", choices=FORMATS + (("parquet",) if parquet else ()),
                        help="table (terminal), md, json or html" + (
                            "; parquet (--engine spark: tables pairs/, stories/, articles/ in the folder -o)"
                            if parquet else "") + "; default: from -o, else table")
    _progress_option(parser)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    if args.command == "eval":
        return _eval(args)
    if args.command in ("index", "check"):
        from dedup.cli_index import run

        return run(args, list(sys.argv[1:] if argv is None else argv))
    return _scan(args, list(sys.argv[1:] if argv is None else argv))


def _eval(args: argparse.Namespace) -> int:
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
    report = scan(args.paths, progress=sys.stderr.isatty() if args.progress is None else args.progress)
    for problem in report.problems:
        print(f"dedup: warning: {problem}", file=sys.stderr)
    try:
        result = evaluate(report, gold, path=args.gold)
    except GoldError as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 2
    text = render_evaluation(result, args.format)
    sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return 0


def _scan(args: argparse.Namespace, argv: list[str]) -> int:
    from dedup.scan import scan

    fmt = args.format or (format_for_path(args.output) if args.output else None) or "table"
    if args.engine == "spark":
        return _scan_spark(args, argv, fmt)
    if args.master or args.spark_conf or fmt == "parquet":
        what = "--master" if args.master else "--spark-conf" if args.spark_conf else "parquet output"
        print(f"dedup: error: {what} needs --engine spark", file=sys.stderr)
        return 2
    progress = sys.stderr.isatty() if args.progress is None else args.progress
    report = scan(args.paths, progress=progress)
    if args.output:
        report.command = "dedup " + shlex.join(argv)
    for problem in report.problems:
        print(f"dedup: warning: {problem}", file=sys.stderr)
    skipped = sum(p.level == "error" for p in report.problems)
    if not report.articles:
        print("dedup: error: no article could be read from " + " ".join(args.paths), file=sys.stderr)
        return 2
    if write_report(report, fmt, args.output):
        return 2
    if skipped:
        print(f"dedup: {skipped} input(s) could not be read (listed above)", file=sys.stderr)
    return 0


def _scan_spark(args: argparse.Namespace, argv: list[str], fmt: str) -> int:
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
    for problem in result.problems:
        print(f"dedup: warning: {problem}", file=sys.stderr)
    skipped = sum(p.level == "error" for p in result.problems)
    if not result.stats.get("articles"):
        print("dedup: error: no article could be read from " + " ".join(args.paths), file=sys.stderr)
        return 2
    if fmt == "parquet":
        try:
            result.write_parquet(args.output)
        except Exception as e:  # Spark reports an existing or unwritable folder as an AnalysisException
            print(f"dedup: error: cannot write {args.output}: {str(e).splitlines()[0]}", file=sys.stderr)
            return 2
        print(f"dedup: wrote {args.output} (parquet): {result.stats['articles']} articles, "
              f"{result.stats['pairs_found']} pairs, {result.stats['stories']} stories", file=sys.stderr)
    else:
        report = result.report(command="dedup " + shlex.join(argv) if args.output else None, texts=fmt == "html")
        if write_report(report, fmt, args.output):
            return 2
    if skipped:
        print(f"dedup: {skipped} input(s) could not be read (listed above)", file=sys.stderr)
    return 0


def write_report(report, fmt: str, output: str | None) -> int:
    """The report in ``fmt`` to ``output`` (a summary on stderr), or to stdout; 2 when it cannot be written."""
    if not output:
        write(report, fmt, sys.stdout)
        return 0
    try:
        with open(output, "w", encoding="utf-8") as f:
            write(report, fmt, f)
    except OSError as e:
        print(f"dedup: error: cannot write {output}: {e.strerror}", file=sys.stderr)
        return 2
    print(f"dedup: wrote {output} ({fmt}): {summary(report)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
