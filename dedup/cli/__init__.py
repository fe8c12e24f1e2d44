"""Command line: a thin layer over the library (parse, call, print, exit code); the commands
are in :mod:`dedup.cli.scan` and :mod:`dedup.cli.index`.

Exit codes: ``scan``, ``eval``, ``index``: 0 done; 2 usage error, nothing readable, a bad
gold file, an unwritable output, or an index that cannot be read. ``check``: 0 nothing
found, 1 found, 2 usage or internal error (:data:`dedup.check.EXIT_CODES`). Unreadable inputs are
listed on stderr (and in the report) and the rest is processed. A bad ``[tool.dedup]`` in
pyproject.toml (:mod:`dedup.cli.config`, the flags' defaults) is exit 2 for every command.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

from dedup import __version__
from dedup.check import EXIT_CODES, FAIL_ON
from dedup.cli.config import Config, ConfigError, load
from dedup.cli.output import set_quiet
from dedup.ingest.files import MAX_ARTICLE_BYTES
from dedup.report import FORMATS, format_for_path
from dedup.report.findings import CHECK_FORMATS


def parse_args(argv: Sequence[str] | None = None, config: Config | None = None) -> argparse.Namespace:
    """``argv`` parsed, the defaults of the flags not given taken from ``config`` (pyproject.toml's
    ``[tool.dedup]``; none when None), else built in."""
    config = config or Config()
    parser = argparse.ArgumentParser(
        prog="dedup", description="Find copies, excerpts, rewrites and same-event reports among news articles.",
        epilog="Flags not given take their value from [tool.dedup] in pyproject.toml when it is set there "
               "(the first pyproject.toml with that table, from the current folder up).")
    parser.add_argument("--version", action="version", version=f"dedup {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    scan = commands.add_parser(
        "scan", help="report which articles derive from which, with the evidence",
        description="Scan articles (.txt .md .html .htm .json .jsonl .csv files, directories, "
                    "or - for JSONL on stdin) and report duplicate, copy, partial, derived and related pairs.")
    inputs = scan.add_argument_group("Input")
    inputs.add_argument("paths", nargs="+", metavar="PATH", help="file, directory (recursive) or -")
    _input_options(inputs)
    _report_options(scan.add_argument_group("Output"), parquet=True)
    deduplicated = scan.add_argument_group(
        "Deduplicated output", "The input minus duplicates: one article kept per cluster, its original, "
                               "naming the articles it replaces. With --deduplicated, the report is written "
                               "only when -o or --format asks for it.")
    deduplicated.add_argument("--deduplicated", metavar="OUT",
                              help="write the articles kept to OUT (- for stdout): a single .jsonl or .csv input's "
                                   "rows unchanged plus a 'replaces' field, else JSONL records")
    deduplicated.add_argument("--drop", metavar="RELATIONS",
                              help="the relations whose clusters keep one article, comma-separated "
                                   "(default: duplicate,copy; also partial, derived, related)")
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
    _input_options(add)
    add.add_argument("--existing", choices=("skip", "replace", "error"), default="skip",
                     help="an id already in the index: skip it (default), replace it, or stop with an error")
    _progress_option(add)
    stats = actions.add_parser("stats", help="what INDEX holds", description="Counts, sizes and parameters of INDEX.")
    stats.add_argument("index", metavar="INDEX")
    stats.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    _quiet_option(stats)
    rep = actions.add_parser("report", help="the whole index as `dedup scan` would report it",
                             description="Report INDEX's articles as `dedup scan` would over the same articles "
                                         "in the order they were added.")
    rep.add_argument("index", metavar="INDEX")
    _report_options(rep)
    check = commands.add_parser(
        "check", help="CI gate: do new articles copy or rewrite ones already published? (exit 1 if so)",
        description="Compare each NEW article with the articles already published (an index, or a "
                    "directory read into a temporary index; files given as NEW are left out of it) and with "
                    "the other NEW articles (as `dedup scan` would: a copy is reported on the copy), and "
                    "report the matches at the --fail-on level or above on stdout; a summary on stderr.",
        epilog=EXIT_CODES, formatter_class=argparse.RawDescriptionHelpFormatter)
    check.add_argument("paths", nargs="+", metavar="NEW", help="new article: file, directory (recursive) or -")
    check.add_argument("--against", metavar="INDEX|DIR",
                       help="an index (SQLite file or redis:// URL) or a directory of published articles "
                            "(needed, here or in pyproject.toml)")
    check.add_argument("--articles", action=_Replace, metavar="FOLDER",
                       help="check only the NEW paths under this folder or glob (repeatable; the others are "
                            "left out, and counted on stderr)")
    check.add_argument("--require-articles", action="store_true",
                       help="stop (exit 2) unless article folders are named (--articles, or pyproject.toml): "
                            "the pre-commit hook's setting, so that it checks only articles")
    _input_options(check)
    check.add_argument("--fail-on", choices=FAIL_ON, default="derived",
                       help="the weakest relation that counts as found: copy (and duplicate), partial, derived "
                            "(default: derived or stronger) or related (everything)")
    check.add_argument("--format", choices=CHECK_FORMATS, default="table",
                       help="table (default), json, sarif (SARIF 2.1.0) or github (workflow annotations)")
    check.add_argument("-o", "--output", metavar="FILE",
                       help="also write the findings to FILE: SARIF when it ends in .sarif (or .sarif.json), "
                            "else JSON (stdout keeps --format)")
    _progress_option(check)
    scan.set_defaults(**{k: v for k, v in config.defaults("scan").items() if k != "format"})
    add.set_defaults(**config.defaults("index"))
    check.set_defaults(**config.defaults("check"))
    args = parser.parse_args(argv)
    if args.command == "scan" and args.format is None and not (args.output and format_for_path(args.output)):
        args.format = config.defaults("scan").get("format")  # after --format and -o's extension
    return args


class _Replace(argparse.Action):
    """Append, but a first use replaces the default (a list from pyproject.toml): flags win."""

    def __call__(self, parser, namespace, values, option_string=None):
        items = getattr(namespace, self.dest)
        setattr(namespace, self.dest, (items if items is not None and items is not self.default else []) + [values])


def _megabytes(value: str) -> float:
    try:
        mb = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0 < mb < float("inf"):
        raise argparse.ArgumentTypeError(f"must be more than 0: {value!r}")
    return mb


def _input_options(parser) -> None:
    """How input is read (``scan``, ``index add``, ``check``)."""
    parser.add_argument("--max-article-mb", type=_megabytes, default=MAX_ARTICLE_BYTES / (1 << 20), metavar="MB",
                        help=f"refuse an article over MB megabytes, unread (default: {MAX_ARTICLE_BYTES >> 20}; "
                             "news articles are a few hundred kB at most)")
    parser.add_argument("--follow-links", action=argparse.BooleanOptionalAction, default=None,
                        help="follow symbolic links that lead out of a directory given (default: report them)")


def read_options(args: argparse.Namespace) -> dict[str, int | bool]:
    """The keywords of :func:`dedup.ingest.read_articles` that ``args`` set."""
    return {"max_article_bytes": math.ceil(args.max_article_mb * (1 << 20)), "follow_links": bool(args.follow_links)}


def _progress_option(parser) -> None:
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")
    _quiet_option(parser)


def _quiet_option(parser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="only errors on stderr (inputs not read included): no summary, warning or progress bar")


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
        args = parse_args(argv, load())
    except ConfigError as e:
        print(f"dedup: error: {e}", file=sys.stderr)
        return 2
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    set_quiet(args.quiet)
    try:
        return _run(args, list(sys.argv[1:] if argv is None else argv))
    finally:
        set_quiet(False)


def _run(args: argparse.Namespace, line: list[str]) -> int:
    if args.command == "eval":
        from dedup.cli.scan import run_eval

        return run_eval(args)
    if args.command == "check":
        from dedup.cli.articles import choose_articles

        code = choose_articles(args)
        if code is not None:
            return code
    if args.command in ("index", "check"):
        from dedup.cli.index import run

        return run(args, line)
    from dedup.cli.scan import run_scan

    return run_scan(args, line)
