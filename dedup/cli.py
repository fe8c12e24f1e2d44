"""Command line: a thin layer over :func:`dedup.scan.scan`.

Exit codes: 0 the report was written; 2 usage error, nothing readable, a bad gold file, or
an unwritable output. Unreadable inputs are listed on stderr (and in the report) and the
rest is scanned.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Sequence

from dedup import __version__
from dedup.report import FORMATS, format_for_path, write
from dedup.report.sections import summary


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
    output = scan.add_argument_group("Output")
    output.add_argument("-o", "--output", metavar="FILE", help="write the report here (format from the extension)")
    output.add_argument("--format", choices=FORMATS, help="table (terminal), md, json or html; default: from -o, else table")
    output.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: when stderr is a terminal)")
    ev = commands.add_parser(
        "eval", help="score a scan against labelled pairs (precision, recall, F1, confusion, direction)",
        description="Scan PATH... and score the result against GOLD, a CSV with the header "
                    "a,b,relation[,source] (ids as in the JSON report; relation one of duplicate, copy, "
                    "partial, derived, related, unrelated).")
    ev.add_argument("gold", metavar="GOLD.csv", help="labelled pairs")
    ev.add_argument("paths", nargs="+", metavar="PATH", help="file, directory (recursive) or -")
    ev.add_argument("--format", choices=("table", "json"), default="table", help="default: table")
    ev.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                    help="progress bar on stderr (default: when stderr is a terminal)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on usage errors, 0 on --help
        return int(exit_.code or 0)
    if args.command == "eval":
        return _eval(args)
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
    if args.output:
        try:
            with open(args.output, "w", encoding="utf-8") as f:
                write(report, fmt, f)
        except OSError as e:
            print(f"dedup: error: cannot write {args.output}: {e.strerror}", file=sys.stderr)
            return 2
        print(f"dedup: wrote {args.output} ({fmt}): {summary(report)}", file=sys.stderr)
    else:
        write(report, fmt, sys.stdout)
    if skipped:
        print(f"dedup: {skipped} input(s) could not be read (listed above)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
