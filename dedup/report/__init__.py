"""Report writers, one module per format; :func:`render` picks one, :func:`save` writes it.

>>> print(render(Report([], [], [], {}), "json"))  # doctest: +ELLIPSIS
{
  "generated_by": null,
  "articles": [],
...
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import TextIO

from dedup.model import Report

FORMATS = ("table", "md", "json", "html")
__all__ = ["FORMATS", "atomic_write", "format_for_path", "render", "save", "write"]


def render(report: Report, fmt: str) -> str:
    """The report as text in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        from dedup.report.json import render as r
    elif fmt == "md":
        from dedup.report.markdown import render as r
    elif fmt == "table":
        from dedup.report.table import render as r
    elif fmt == "html":
        from dedup.report.html import render as r
    else:
        raise ValueError(f"The 'fmt' parameter of render must be one of {', '.join(FORMATS)}. Got {fmt!r} instead.")
    return r(report)


def write(report: Report, fmt: str, out: TextIO) -> None:
    """:func:`render` into the text stream ``out`` (JSON streamed, not built whole)."""
    if fmt == "json":
        from dedup.report.json import write as w

        w(report, out)
    else:
        out.write(render(report, fmt))


def save(report: Report, fmt: str, out: str | os.PathLike[str] | TextIO) -> None:
    """:func:`write` to a text stream, or to a file at a path atomically: see :func:`atomic_write`."""
    if not isinstance(out, (str, os.PathLike)):
        write(report, fmt, out)
        return
    with atomic_write(out) as f:
        write(report, fmt, f)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str]) -> Iterator[TextIO]:
    """A UTF-8 text stream to a new temporary file beside ``path``, renamed over ``path`` when the
    block ends, deleted when it raises: ``path`` is never half-written, only old or complete.
    The file gets the permissions an ``open()`` would (0666 less the umask).

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> target = os.path.join(folder, "r.md")
    >>> with atomic_write(target) as f:
    ...     _ = f.write("# done")
    >>> try:
    ...     with atomic_write(target) as f:
    ...         _ = f.write("half")
    ...         raise RuntimeError("render failed")
    ... except RuntimeError:
    ...     pass
    >>> open(target).read(), os.listdir(folder)
    ('# done', ['r.md'])
    """
    path = os.fsdecode(path)  # a bytes path as str (undecodable bytes as surrogates)
    folder, name = os.path.split(os.path.abspath(path))
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:
        raise FileExistsError(f"no free temporary name beside {path}")
    try:
        with open(fd, "w", encoding="utf-8") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def format_for_path(path: str) -> str | None:
    """The format a file name asks for: ``.json``, ``.md``/``.markdown``, ``.txt``, ``.html``/``.htm``,
    ``.parquet`` (a folder of tables, from ``scan --engine spark``).

    >>> format_for_path("report.HTM")
    'html'
    """
    lower = path.lower()
    for ext, fmt in ((".json", "json"), (".md", "md"), (".markdown", "md"), (".txt", "table"),
                     (".html", "html"), (".htm", "html"), (".parquet", "parquet")):
        if lower.endswith(ext):
            return fmt
    return None
