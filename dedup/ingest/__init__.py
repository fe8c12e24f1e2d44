"""Read articles from text, Markdown, HTML, JSON, JSONL and CSV files (or JSONL on stdin).

Bad input never stops a run: every file or row that cannot be read becomes a
:class:`~dedup.model.Problem` and reading goes on with the next one. Reading is bounded: only
regular files are opened; an article over ``max_article_bytes`` (default
:data:`MAX_ARTICLE_BYTES`, 10 MB) is refused before it is read whole (a file by its size, a
JSONL line by its length); symbolic links out of a folder walked are not followed unless
``follow_links``. Repeated ids are renamed (``#2``) with a warning.

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

import os
import stat
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO, TextIO

from dedup.model import Article, Problem
from dedup.ingest.decoding import NUL_REST, SURROGATES, DecodedLines, decode, decode_checked, not_utf8_warning, scrub
from dedup.ingest.files import (BINARY, EMPTY, JSONL_LINE_FACTOR, MAX_ARTICLE_BYTES, MISSING, NOT_REGULAR, NOT_UTF8,
                                SNIFF_BYTES, SUPPORTED, file_type, input_files, is_binary, is_utf16, jsonl_line_limit,
                                megabytes, not_regular, nul_line, too_large, unsupported, walk)
from dedup.ingest.html_text import extract_html
from dedup.ingest.ids import renamed_id, unique_id
from dedup.ingest.rows import ROW_KEYS, published_date, read_csv, read_json, read_jsonl, row_articles

__all__ = ["BINARY", "EMPTY", "MAX_ARTICLE_BYTES", "MISSING", "NOT_REGULAR", "NOT_UTF8", "NUL_REST", "ROW_KEYS",
           "SNIFF_BYTES", "SUPPORTED", "SURROGATES", "DecodedLines", "decode", "decode_checked", "extract_html",
           "file_type", "input_files", "is_binary", "is_utf16", "iter_articles", "megabytes", "not_regular",
           "not_utf8_warning", "nul_line", "parse_bytes", "read_articles", "read_csv", "read_json", "read_jsonl",
           "renamed_id", "row_articles", "scrub", "too_large", "unique_id", "unsupported", "walk"]

_WHOLE_ARTICLE = (".txt", ".md", ".html", ".htm")  # file types holding one article: limited by their size


def read_articles(paths: Iterable[str], stdin: TextIO | None = None, *, max_article_bytes: int = MAX_ARTICLE_BYTES,
                  follow_links: bool = False) -> tuple[list[Article], list[Problem]]:
    """All articles from ``paths`` plus the problems met while reading them (see :func:`iter_articles`)."""
    problems: list[Problem] = []
    articles = list(iter_articles(paths, problems, stdin, max_article_bytes=max_article_bytes,
                                  follow_links=follow_links))
    return articles, problems


def iter_articles(paths: Iterable[str], problems: list[Problem], stdin: TextIO | None = None, *,
                  max_article_bytes: int = MAX_ARTICLE_BYTES, follow_links: bool = False) -> Iterator[Article]:
    """Stream articles from files, directories (recursive, sorted, hidden skipped) and ``-`` (JSONL on stdin).

    Unreadable input is appended to ``problems``; an article over ``max_article_bytes`` is
    refused; symbolic links out of a folder are followed only when ``follow_links``. Duplicate
    ids get ``#2``, ``#3``... appended, each rename a warning added once all is read (the
    Spark reader adds them there too).
    """
    seen: dict[str, int] = {}
    renamed: list[Problem] = []
    limit = max_article_bytes
    for path in paths:
        if path == "-":
            articles = _read_stdin(stdin if stdin is not None else sys.stdin, problems, limit)
        else:
            articles = (a for file, file_id in input_files(path, problems, follow_links)
                        for a in _read_file(file, file_id, problems, limit))
        for article in articles:
            unique = unique_id(article.id, seen)
            if unique != article.id:
                renamed.append(renamed_id(article.path or path, article.line, article.id, unique))
                article.id = unique
            yield article
    problems.extend(renamed)


def _read_file(path: str, file_id: str, problems: list[Problem], limit: int) -> Iterator[Article]:
    """Articles from one file; problems are appended, never raised. Only a regular file is read
    (opened without blocking, then checked); an article file over ``limit`` bytes is not read."""
    ext = file_type(path)
    if ext not in SUPPORTED:
        problems.append(unsupported(path, ext))
        return
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO would block without it
    except (OSError, ValueError) as e:
        problems.append(Problem(path, f"cannot read: {getattr(e, 'strerror', None) or e}"))
        return
    size = 0
    try:
        with open(fd, "rb") as f:
            info = os.fstat(fd)
            size = info.st_size
            if not stat.S_ISREG(info.st_mode):
                problems.append(not_regular(path, info.st_mode))
                return
            if ext in _WHOLE_ARTICLE and size > limit:
                problems.append(too_large(path, size, limit))
                return
            head = f.read(SNIFF_BYTES)
            if ext == ".jsonl" and not is_utf16(head):  # UTF-16/32 is read whole, below
                if is_binary(head):
                    problems.append(Problem(path, BINARY))
                    return
                f.seek(0)
                yield from _read_jsonl_stream(f, path, file_id, problems, limit)
                return
            f.seek(0)
            data = f.read()  # one copy in memory, not head + rest
    except OSError as e:
        problems.append(Problem(path, f"cannot read: {e.strerror}"))
        return
    except MemoryError:
        problems.append(Problem(path, f"too large to read into memory ({megabytes(size)}): not read"))
        return
    try:
        yield from parse_bytes(data, path, file_id, problems, limit)
    except MemoryError:
        problems.append(Problem(path, f"too large to parse in memory ({megabytes(size)}): the rest not read"))


def parse_bytes(data: bytes, path: str, file_id: str, problems: list[Problem],
                limit: int = MAX_ARTICLE_BYTES) -> Iterator[Article]:
    """Articles from the whole content of a file of a supported type (told by ``path``'s
    extension); problems are appended, never raised. A NUL byte anywhere makes it binary;
    a .txt, .md or .html file over ``limit`` bytes, or a row's text over ``limit`` characters,
    is too large."""
    ext = file_type(path)
    if is_binary(data):
        problems.append(Problem(path, BINARY))
        return
    nul = nul_line(data)
    if nul is not None:
        problems.append(Problem(path, "binary data (a NUL byte), not text: not read", nul))
        return
    if ext in _WHOLE_ARTICLE and len(data) > limit:
        problems.append(too_large(path, len(data), limit))
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
        yield from read_jsonl(enumerate(text.split("\n"), 1), path, file_id, problems, limit)
    elif ext == ".json":
        yield from read_json(text, path, file_id, problems, limit)
    else:
        yield from read_csv(text, path, file_id, problems, limit)


def _read_jsonl_stream(f: BinaryIO, path: str, file_id: str, problems: list[Problem], limit: int) -> Iterator[Article]:
    """JSONL rows read line by line (memory stays that of the articles, not of the file)."""
    lines = DecodedLines(_bounded_lines(f, path, problems, limit), path, problems)
    yield from read_jsonl(lines, path, file_id, problems, limit)
    if not lines.seen_text:
        problems.append(Problem(path, EMPTY))


def _bounded_lines(f: Any, path: str, problems: list[Problem], limit: int) -> Iterator[tuple[int, Any]]:
    """Numbered lines of ``f`` (bytes or text); a line over :data:`JSONL_LINE_FACTOR` x ``limit``
    (:func:`jsonl_line_limit`) is a problem, given as None, and never held whole in memory."""
    longest = jsonl_line_limit(limit)
    n = 0
    while line := f.readline(longest + 1):
        n += 1
        if len(line) <= longest:
            yield n, line
            continue
        while line and not line.endswith(b"\n" if isinstance(line, bytes) else "\n"):  # the rest of it, unkept
            line = f.readline(1 << 20)
        problems.append(Problem(path, f"line too long: over {megabytes(longest)} ({JSONL_LINE_FACTOR} x the "
                                      f"{megabytes(limit)} article limit, --max-article-mb): not read", n))
        yield n, None


def _read_stdin(stream: TextIO, problems: list[Problem], limit: int) -> Iterator[Article]:
    """JSONL rows from ``stream`` (its byte buffer when it has one, decoded line by line)."""
    buffer = getattr(stream, "buffer", None)
    source: Any = stream if buffer is None else buffer

    def lines() -> Iterator[tuple[int, Any]]:
        try:
            yield from _bounded_lines(source, "-", problems, limit)
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem("-", f"cannot read: {getattr(e, 'strerror', None) or e}"))

    if buffer is not None:
        return read_jsonl(DecodedLines(lines(), "-", problems), "-", "-", problems, limit)
    text_lines = ((n, line.replace("\r", "")) for n, line in lines() if line is not None)  # None: too long, said
    return read_jsonl(text_lines, "-", "-", problems, limit)
