"""What every command shares: writing a report, warnings and the progress bar on stderr.

``-q``/``--quiet`` (:func:`set_quiet`) leaves on stderr only the errors, those about inputs that
could not be read included: no summary, no warning about an input read with a repair, no
progress bar.

Names from the input are printed with control characters and undecodable bytes escaped
(:func:`dedup.report.escape.printable`): a file name cannot recolour the terminal or fake a line.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable, Sequence
from typing import TypeVar

from dedup.model import Problem, Report
from dedup.report import save
from dedup.report.escape import printable
from dedup.report.sections import summary

_quiet = False
T = TypeVar("T")


def set_quiet(quiet: bool) -> None:
    """Whether stderr gets only errors (``-q``); set by :func:`dedup.cli.main` at every run."""
    global _quiet
    _quiet = quiet


def note(text: str) -> None:
    """A summary or remark on stderr, unless quiet."""
    if not _quiet:
        print(text, file=sys.stderr)


def write_report(report: Report, fmt: str, output: str | None) -> int:
    """The report in ``fmt`` to ``output`` (a summary on stderr), or to stdout; 2 when it cannot be
    written. A file is written whole or not at all (:func:`dedup.report.atomic_write`): any failure
    is one line on stderr (``DEDUP_DEBUG=1`` adds the traceback) and leaves ``output`` as it was."""
    if not output:
        save(report, fmt, sys.stdout)
        return 0
    try:
        save(report, fmt, output)
    except OSError as e:
        print(f"dedup: error: cannot write {printable(output)}: {printable(e.strerror or str(e))}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug in a writer: one line, the file left as it was
        if os.environ.get("DEDUP_DEBUG"):
            traceback.print_exc()
        print(f"dedup: error: cannot write {printable(output)}: {type(e).__name__}: {printable(str(e))} "
              "(DEDUP_DEBUG=1 shows the traceback)", file=sys.stderr)
        return 2
    note(f"dedup: wrote {printable(output)} ({fmt}): {summary(report)}")
    return 0


def warn(problems: Sequence[Problem]) -> None:
    """Each input problem on stderr (quiet: the errors only, inputs not read)."""
    for p in problems:
        if _quiet and p.level != "error":
            continue
        print(f"dedup: warning: {printable(str(p))}", file=sys.stderr)


def unread(problems: Sequence[Problem]) -> None:
    """How many inputs could not be read (listed before), on stderr, when any."""
    skipped = sum(p.level == "error" for p in problems)
    if skipped:
        note(f"dedup: {skipped} input(s) could not be read (listed above)")


def show_progress(enabled: bool | None) -> bool:
    """``--progress``/``--no-progress``, else whether stderr is a terminal; never when quiet."""
    if _quiet:
        return False
    return sys.stderr.isatty() if enabled is None else enabled


def bar(items: Iterable[T], total: int, desc: str, enabled: bool) -> Iterable[T]:
    """``items`` with a progress bar on stderr when ``enabled``."""
    if not enabled:
        return items
    from tqdm import tqdm

    return tqdm(items, total=total, desc=desc, unit="article", file=sys.stderr, leave=False)
