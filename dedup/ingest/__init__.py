"""Read articles from text, Markdown, HTML, JSON, JSONL and CSV files (or JSONL on stdin).

Bad input never stops a run: every file or row that cannot be read becomes a
:class:`~dedup.model.Problem` and reading goes on with the next one.

The modules: :mod:`~dedup.ingest.files` (which files, in which order; their type),
:mod:`~dedup.ingest.decoding` (bytes to text), :mod:`~dedup.ingest.rows` (JSONL, JSON and
CSV rows to articles), :mod:`~dedup.ingest.html_text` (an HTML page's main text),
:mod:`~dedup.ingest.ids` (ids made unique). The Spark reader (:mod:`dedup.spark.read`)
walks and parses with the same functions: :func:`input_files`, :func:`parse_bytes` (a
whole file), :class:`DecodedLines` and :func:`read_jsonl` (JSONL lines),
:func:`row_articles` (numbered rows), :func:`unique_id`.

>>> problems = []
>>> data = b'{"id": "x", "text": "One"}\\n{"text": "Two"}\\nnot json\\n'
>>> [(a.id, a.text, a.line) for a in parse_bytes(data, "feed.jsonl", "feed.jsonl", problems)]
[('x', 'One', 1), ('feed.jsonl:2', 'Two', 2)]
>>> [str(p) for p in problems]
['feed.jsonl:3: invalid JSON: Expecting value']
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from dedup.model import Article, Problem
from dedup.ingest.decoding import DecodedLines, decode, decode_checked, not_utf8_warning
from dedup.ingest.files import (BINARY, EMPTY, MISSING, NOT_REGULAR, NOT_UTF8, SNIFF_BYTES, SUPPORTED, file_type,
                                input_files, is_binary, is_utf16, unsupported, walk)
from dedup.ingest.html_text import extract_html
from dedup.ingest.ids import unique_id
from dedup.ingest.rows import ROW_KEYS, published_date, read_csv, read_json, read_jsonl, row_articles

__all__ = ["BINARY", "EMPTY", "MISSING", "NOT_REGULAR", "NOT_UTF8", "ROW_KEYS", "SNIFF_BYTES", "SUPPORTED",
           "DecodedLines", "decode", "decode_checked", "extract_html", "file_type", "input_files", "is_binary",
           "is_utf16", "iter_articles", "not_utf8_warning", "parse_bytes", "read_articles", "read_csv", "read_json",
           "read_jsonl", "row_articles", "unique_id", "unsupported", "walk"]


def read_articles(paths: Iterable[str], stdin: TextIO | None = None) -> tuple[list[Article], list[Problem]]:
    """All articles from ``paths`` plus the problems met while reading them."""
    problems: list[Problem] = []
    return list(iter_articles(paths, problems, stdin)), problems


def iter_articles(paths: Iterable[str], problems: list[Problem],
                  stdin: TextIO | None = None) -> Iterator[Article]:
    """Stream articles from files, directories (recursive, sorted, hidden skipped) and ``-`` (JSONL on stdin).

    Unreadable input is appended to ``problems``; duplicate ids get ``#2``, ``#3``... appended.
    """
    seen: dict[str, int] = {}
    for path in paths:
        if path == "-":
            articles = _read_stdin(stdin if stdin is not None else sys.stdin, problems)
        else:
            articles = (a for file, file_id in input_files(path, problems)
                        for a in _read_file(file, file_id, problems))
        for article in articles:
            article.id = unique_id(article.id, seen)
            yield article


def _read_file(path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    """Articles from one file; problems are appended, never raised."""
    ext = file_type(path)
    if ext not in SUPPORTED:
        problems.append(unsupported(path, ext))
        return
    if ext == ".jsonl":
        try:
            with open(path, "rb") as f:
                head = f.read(SNIFF_BYTES)
                if not is_utf16(head):  # UTF-16 is read whole, below
                    if is_binary(head):
                        problems.append(Problem(path, BINARY))
                        return
                    f.seek(0)
                    yield from _read_jsonl_stream(f, path, file_id, problems)
                    return
        except OSError as e:
            problems.append(Problem(path, f"cannot read: {e.strerror}"))
            return
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        problems.append(Problem(path, f"cannot read: {e.strerror}"))
        return
    yield from parse_bytes(data, path, file_id, problems)


def parse_bytes(data: bytes, path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    """Articles from the whole content of a file of a supported type (told by ``path``'s
    extension); problems are appended, never raised."""
    ext = file_type(path)
    if is_binary(data):
        problems.append(Problem(path, BINARY))
        return
    text, bad = decode_checked(data)
    if bad is not None:
        problems.append(not_utf8_warning(path, bad))
    if not text.strip():
        problems.append(Problem(path, EMPTY))
        return
    if ext in (".txt", ".md"):
        yield Article(id=file_id, text=text, path=path)
    elif ext in (".html", ".htm"):
        try:
            page = extract_html(text)
        except AssertionError as e:  # html.parser's reaction to some malformed markup
            problems.append(Problem(path, f"cannot parse HTML: {e}"))
            return
        if not page["text"]:
            problems.append(Problem(path, "no article text found in HTML"))
            return
        published = published_date(page.pop("published"), file_id, path, None, problems)
        yield Article(id=file_id, path=path, published=published, **page)
    elif ext == ".jsonl":
        yield from read_jsonl(enumerate(text.split("\n"), 1), path, file_id, problems)
    elif ext == ".json":
        yield from read_json(text, path, file_id, problems)
    else:
        yield from read_csv(text, path, file_id, problems)


def _read_jsonl_stream(f: BinaryIO, path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    """JSONL rows read line by line (memory stays that of the articles, not of the file)."""
    lines = DecodedLines(enumerate(f, 1), path, problems)
    yield from read_jsonl(lines, path, file_id, problems)
    if not lines.seen_text:
        problems.append(Problem(path, EMPTY))


def _read_stdin(stream: TextIO, problems: list[Problem]) -> Iterator[Article]:
    """JSONL rows from ``stream`` (its byte buffer when it has one, decoded line by line)."""
    buffer = getattr(stream, "buffer", None)
    source: Any = stream if buffer is None else buffer

    def lines() -> Iterator[tuple[int, str]]:
        try:
            for n, line in enumerate(source, 1):
                if isinstance(line, bytes):
                    line, bad = decode_checked(line)
                    if bad is not None:
                        problems.append(not_utf8_warning("-", n))
                yield n, line.replace("\r", "")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem("-", f"cannot read: {getattr(e, 'strerror', None) or e}"))

    return read_jsonl(lines(), "-", "-", problems)
