"""The deduplicated corpus: the input's articles minus those dropped (:func:`dedup.relation.keep.kept`),
each kept one naming the ids it replaces, written for a dataset builder.

Two forms, told by the input (:func:`row_file`):

* one ``.jsonl`` or ``.csv`` file: its **rows as they are** (in UTF-8), in input order, each
  kept row with a ``replaces`` field added (JSONL: the last key, the line's text unchanged
  before it, ending in LF; CSV: the first column, a JSON list, the record's text unchanged
  after it, line endings included). The file is read
  again row by row while writing: no row is held beyond the one being written. It must not
  change in between (checked by size and time), nor hold a ``replaces`` field already.
* anything else (folders, several files, ``.json``, ``.txt``/``.md``/``.html``, stdin): JSONL
  records ``{id, path, line, title, published, publisher, url, text, replaces}``, ``text``
  as read (HTML: the extracted text).

Rows that are no article (a broken line, no text: the scan's problems) are not written.

>>> import json, os, tempfile
>>> folder = tempfile.mkdtemp()
>>> story = "The council approved the new budget on Monday after a long debate. " * 3
>>> rows = [{"id": "wire", "text": story, "date": "2024-05-06"}, {"id": "site", "text": story, "date": "2024-05-07"},
...         {"id": "other", "text": "Storms closed the coastal highway for a third day."}]
>>> with open(os.path.join(folder, "in.jsonl"), "w") as f:
...     _ = f.write("".join(json.dumps(r) + "\\n" for r in rows))
>>> _, keep = deduplicate([os.path.join(folder, "in.jsonl")], os.path.join(folder, "out.jsonl"))
>>> keep
{'wire': ['site'], 'other': []}
>>> [(r["id"], r["replaces"]) for r in map(json.loads, open(os.path.join(folder, "out.jsonl")))]
[('wire', ['site']), ('other', [])]
"""

from __future__ import annotations

import codecs
import csv
import json
import os
import stat
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, TextIO

from dedup.dates import format_published
from dedup.ingest import MAX_ARTICLE_BYTES, DecodedLines, decode, file_type
from dedup.ingest.files import UTF16_BOMS, UTF32_BOMS, jsonl_line_limit
from dedup.model import Relation, Report
from dedup.params import DEFAULT, Params
from dedup.relation.keep import DROP, kept
from dedup.report import atomic_write

FIELD = "replaces"  # the field (JSONL) or column (CSV) naming what a kept article replaces
_CHUNK = 1 << 20
_EOL = ("\n", "\r")


class DeduplicatedError(ValueError):
    """The deduplicated output cannot be written (the message names the file, and line)."""


@dataclass(frozen=True)
class RowFile:
    """The one JSONL or CSV file whose rows are copied; ``stamp``: its size and modification
    time when looked at (before the scan), which it must still have once copied."""

    path: str
    format: str  # "jsonl" or "csv"
    stamp: tuple[int, int]


def row_file(paths: Sequence[str]) -> RowFile | None:
    """The file whose rows the output copies: ``paths`` is one regular ``.jsonl`` or ``.csv``
    file; else None (JSONL records are written). Call it before scanning."""
    if len(paths) != 1 or paths[0] == "-" or file_type(paths[0]) not in (".jsonl", ".csv"):
        return None
    try:
        info = os.stat(paths[0])
    except (OSError, ValueError):
        return None
    if not stat.S_ISREG(info.st_mode):
        return None
    return RowFile(paths[0], file_type(paths[0])[1:], _stamp(info))


def output_format(rows: RowFile | None) -> str:
    """``jsonl`` or ``csv``: what :func:`write_deduplicated` writes."""
    return rows.format if rows else "jsonl"


def deduplicate(paths: Iterable[str], out: str | os.PathLike | TextIO, drop: Iterable[Relation | str] = DROP,
                progress: bool = False, params: Params = DEFAULT,
                **read_options: Any) -> tuple[Report, dict[str, list[str]]]:
    """Scan ``paths`` (:func:`dedup.scan.scan`, ``read_options`` as there) and write the articles
    kept to ``out`` (a path, written atomically, or a text stream); the report and
    :func:`~dedup.relation.keep.kept`. Raises :class:`DeduplicatedError`, or OSError."""
    from dedup.scan import scan

    paths = list(paths)
    rows = row_file(paths)
    report = scan(paths, progress=progress, params=params, **read_options)
    keep = kept(report, drop)
    write_deduplicated(report, keep, out, rows, read_options.get("max_article_bytes", MAX_ARTICLE_BYTES))
    return report, keep


def write_deduplicated(report: Report, keep: Mapping[str, list[str]], out: str | os.PathLike | TextIO,
                       rows: RowFile | None = None, max_article_bytes: int = MAX_ARTICLE_BYTES) -> None:
    """The articles of ``report`` that ``keep`` names to ``out`` (a path: written atomically,
    whole or not at all; or a text stream): ``rows``'s rows (:func:`row_file`, taken before
    the scan), else JSONL records."""
    if not isinstance(out, (str, os.PathLike)):
        _write(report, keep, out, rows, max_article_bytes)
        return
    with atomic_write(out) as f:
        _write(report, keep, f, rows, max_article_bytes)


def _write(report: Report, keep: Mapping[str, list[str]], out: TextIO, rows: RowFile | None, limit: int) -> None:
    if rows is None:
        for a in report.articles:
            if a.id in keep:
                record = {"id": a.id, "path": a.path, "line": a.line, "title": a.title,
                          "published": format_published(a.published) if a.published else None,
                          "publisher": a.publisher, "url": a.url, "text": a.text, FIELD: keep[a.id]}
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return
    wanted = {a.line: keep[a.id] for a in report.articles if a.id in keep and a.path == rows.path}
    if rows.format == "jsonl":
        written = _jsonl_rows(rows.path, wanted, out, jsonl_line_limit(limit))
    else:
        written = _csv_rows(rows.path, wanted, out)
    try:
        now = _stamp(os.stat(rows.path))
    except OSError:
        now = None
    if written != len(wanted) or now != rows.stamp:
        raise DeduplicatedError(f"{rows.path}: changed since it was scanned: its rows cannot be copied (scan again)")


def _stamp(info: os.stat_result) -> tuple[int, int]:
    return info.st_size, info.st_mtime_ns


def _already(path: str, line: int | None = None) -> DeduplicatedError:
    where = path if line is None else f"{path}:{line}"
    return DeduplicatedError(f"{where}: already has a {FIELD!r} field, which the deduplicated output adds "
                             f"(rename it, or drop it, first)")


# --- JSONL rows --------------------------------------------------------------------------

def _jsonl_rows(path: str, wanted: Mapping[int | None, list[str]], out: TextIO, longest: int) -> int:
    """The ``wanted`` lines of JSONL file ``path``, each with its field added; how many."""
    written = 0
    with open(path, "rb") as f:
        if f.read(4).startswith(UTF32_BOMS + UTF16_BOMS):  # read whole, as the scan read it
            f.seek(0)
            lines: Iterable[tuple[int, str]] = ((n, line) for n, line in enumerate(decode(f.read()).split("\n"), 1)
                                                if n in wanted)
        else:
            f.seek(0)
            lines = DecodedLines(_wanted_lines(f, wanted, longest), path, [])
        for n, line in lines:
            body = line.rstrip()
            if not body.endswith("}"):
                break  # not the row scanned: said by the count
            if ('"' + FIELD + '"' in body or "\\u" in body) and FIELD in json.loads(body):
                raise _already(path, n)
            out.write(f"{body[:-1]}, {json.dumps(FIELD)}: {json.dumps(wanted[n], ensure_ascii=False)}}}\n")
            written += 1
    return written


def _wanted_lines(f: BinaryIO, wanted: Mapping[int | None, Any], longest: int) -> Iterator[tuple[int, bytes]]:
    """The numbered lines of ``f`` (split at LF, as the scan split them) whose numbers are
    ``wanted``; the others are passed over a chunk at a time, never held whole."""
    n, last = 0, max((k for k in wanted if k is not None), default=0)
    while n < last:
        n += 1
        if n in wanted:
            line = f.readline(longest + 1)
            if not line or len(line) > longest:
                return
            yield n, line
            continue
        chunk = f.readline(_CHUNK)
        while chunk and not chunk.endswith(b"\n"):
            chunk = f.readline(_CHUNK)
        if not chunk:
            return


# --- CSV rows ----------------------------------------------------------------------------

def _csv_rows(path: str, wanted: Mapping[int | None, list[str]], out: TextIO) -> int:
    """The header and the ``wanted`` rows of CSV file ``path`` (numbered by the line they start
    on, as the scan numbered them), each with the field as a first column; how many rows."""
    csv.field_size_limit(2**31 - 1)
    written, ending, start = 0, None, 1  # ending: the header's line ending, once read
    taken: list[str] = []  # the raw lines of the record being parsed

    def lines(f: TextIO) -> Iterator[str]:
        for line in f:
            taken.append(line)
            yield line

    with open(path, encoding=_encoding(path), errors="replace", newline="") as f:
        reader = csv.reader(lines(f))
        try:
            for values in reader:
                line, start = start, reader.line_num + 1
                raw = "".join(taken)
                taken.clear()
                if not any(v.strip() for v in values):
                    continue
                if ending is None:
                    if FIELD in (v.strip().lower() for v in values):
                        raise _already(path, line)
                    ending = raw[len(raw.rstrip("\r\n")):] or "\r\n"  # for a last row without one
                    out.write(f"{FIELD},{raw if raw.endswith(_EOL) else raw + ending}")
                elif line in wanted:
                    cell = json.dumps(wanted[line], ensure_ascii=False).replace('"', '""')
                    out.write(f'"{cell}",{raw if raw.endswith(_EOL) else raw + ending}')
                    written += 1
        except csv.Error:
            pass  # the scan stopped here too (a problem it reported)
    return written


def _encoding(path: str) -> str:
    """The encoding the scan decoded ``path`` with (:func:`dedup.ingest.decode`): by its byte
    order mark, else UTF-8 when all of it is, else cp1252."""
    with open(path, "rb") as f:
        head = f.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith(UTF32_BOMS):
            return "utf-32"
        if head.startswith(UTF16_BOMS):
            return "utf-16"
        f.seek(0)
        check = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := f.read(_CHUNK):
                check.decode(chunk)
            check.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"
