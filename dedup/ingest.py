"""Read articles from text, Markdown, HTML, JSON, JSONL and CSV files (or JSONL on stdin).

Bad input never stops a run: every file or row that cannot be read becomes a
:class:`~dedup.article.Problem` and reading goes on with the next one.

The Spark reader (:mod:`dedup.spark.read`) walks and parses with the same functions:
:func:`input_files`, :func:`parse_bytes` (a whole file), :class:`DecodedLines` and
``_read_jsonl`` (JSONL lines), :func:`row_articles` (numbered rows).

>>> decode(b'\\xef\\xbb\\xbfcaf\\xc3\\xa9') == 'café'
True
>>> decode(b'caf\\xe9\\r\\nnext\\rlast')
'café\\nnext\\nlast'
>>> html = b"<title>T</title><nav>Menu</nav><article><p>One &amp; two.</p><p>Three</p></article>"
>>> print(_extract_html(decode(html))["text"])
One & two.
Three
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from html.parser import HTMLParser
from typing import Any, BinaryIO, TextIO

from dedup.article import Article, Problem

try:  # optional, better extraction when available
    import trafilatura
except ImportError:
    trafilatura = None

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".csv")

_SNIFF = 8192  # bytes looked at to tell a binary file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NO_TEXT = "no 'text' (or 'body'/'content') field"
EMPTY = "empty file"
BINARY = "binary file, not text (skipped)"
MISSING = "no such file or directory"
NOT_REGULAR = "not a regular file (skipped)"
NOT_UTF8 = "not valid UTF-8; read as cp1252 (check the accents)"


def decode(data: bytes) -> str:
    """Decode bytes to text and normalise newlines to LF; never raises.

    UTF-8 BOM -> utf-8-sig; UTF-16 BOM -> utf-16; else strict UTF-8; else cp1252.
    """
    return decode_checked(data)[0]


def decode_checked(data: bytes) -> tuple[str, int | None]:
    """:func:`decode`, plus the line of the first byte that is not UTF-8 when cp1252 was used.

    >>> decode_checked(b"fine\\ncaf\\xe9")
    ('fine\\ncafé', 2)
    """
    bad = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = data.decode("utf-8-sig", errors="replace")
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad = data.count(b"\n", 0, e.start) + 1
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n"), bad


def _not_utf8(path: str, line: int) -> Problem:
    return Problem(path, NOT_UTF8, line, "warning")


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
            article.id = _unique(article.id, seen)
            yield article


def _unique(id_: str, seen: dict[str, int]) -> str:
    """``id_``, or ``id_#N`` with the smallest N > 1 not used yet in this run."""
    if id_ not in seen:
        seen[id_] = 1
        return id_
    n = seen[id_] + 1
    while f"{id_}#{n}" in seen:
        n += 1
    seen[id_] = n
    seen[f"{id_}#{n}"] = 1
    return f"{id_}#{n}"


def input_files(path: str, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """The files ``path`` names, in reading order, each with its id: ``path`` itself (id: its
    name) or the files under it (:func:`walk`). A missing path is a problem."""
    if os.path.isdir(path):
        yield from walk(path, problems)
    elif not os.path.exists(path):
        problems.append(Problem(path, MISSING))
    else:
        yield path, os.path.basename(path)


def walk(root: str, problems: list[Problem]) -> Iterator[tuple[str, str]]:
    """Files under ``root`` in sorted order (by name in each directory, recursively, hidden
    names skipped), each with its id: its path relative to ``root``, with ``/``."""
    visited: set[str] = set()

    def visit(directory: str) -> Iterator[tuple[str, str]]:
        real = os.path.realpath(directory)
        if real in visited:  # symlink loop
            return
        visited.add(real)
        try:
            with os.scandir(directory) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as e:
            problems.append(Problem(directory, f"cannot read: {e.strerror}"))
            return
        for entry in entries:
            try:
                is_dir, is_file = entry.is_dir(), entry.is_file()
            except OSError as e:
                problems.append(Problem(entry.path, f"cannot read: {e.strerror}"))
                continue
            if is_dir:
                yield from visit(entry.path)
            elif is_file:
                yield entry.path, os.path.relpath(entry.path, root).replace(os.sep, "/")
            elif not os.path.exists(entry.path):
                problems.append(Problem(entry.path, MISSING))
            else:
                problems.append(Problem(entry.path, NOT_REGULAR))

    return visit(root)


def file_type(path: str) -> str:
    """The lower-cased extension of ``path``, ``.txt`` when it has none."""
    return os.path.splitext(path)[1].lower() or ".txt"


def unsupported(path: str, ext: str) -> Problem:
    return Problem(path, f"unsupported file type '{ext}' (supported: {' '.join(SUPPORTED)})")


def is_utf16(head: bytes) -> bool:
    """Whether bytes start with a UTF-16 byte order mark (such JSONL is read whole, not line by line)."""
    return head.startswith(_UTF16_BOMS)


def is_binary(head: bytes) -> bool:
    """Whether a file starting with ``head`` is binary: a NUL byte in its first bytes, not UTF-16."""
    return b"\x00" in head[:_SNIFF] and not is_utf16(head)


def _read_file(path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    """Articles from one file; problems are appended, never raised."""
    ext = file_type(path)
    if ext not in SUPPORTED:
        problems.append(unsupported(path, ext))
        return
    if ext == ".jsonl":
        try:
            with open(path, "rb") as f:
                head = f.read(_SNIFF)
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
        problems.append(_not_utf8(path, bad))
    if not text.strip():
        problems.append(Problem(path, EMPTY))
        return
    if ext in (".txt", ".md"):
        yield Article(id=file_id, text=text, path=path)
    elif ext in (".html", ".htm"):
        try:
            page = _extract_html(text)
        except AssertionError as e:  # html.parser's reaction to some malformed markup
            problems.append(Problem(path, f"cannot parse HTML: {e}"))
            return
        if not page["text"]:
            problems.append(Problem(path, "no article text found in HTML"))
            return
        yield Article(id=file_id, path=path, **page)
    elif ext == ".jsonl":
        yield from _read_jsonl(enumerate(text.split("\n"), 1), path, file_id, problems)
    elif ext == ".json":
        yield from _read_json(text, path, file_id, problems)
    else:
        yield from _read_csv(text, path, file_id, problems)


def _read_jsonl_stream(f: BinaryIO, path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    """JSONL rows read line by line (memory stays that of the articles, not of the file)."""
    lines = DecodedLines(enumerate(f, 1), path, problems)
    yield from _read_jsonl(lines, path, file_id, problems)
    if not lines.seen_text:
        problems.append(Problem(path, EMPTY))


class DecodedLines:
    """Numbered raw JSONL lines (bytes) as numbered text lines: UTF-8, else cp1252 with a
    warning for the first such line; CR removed; the UTF-8 BOM dropped from line 1 when
    ``bom``. ``seen_text`` tells, once iterated, whether a line was not blank.

    >>> problems = []
    >>> lines = DecodedLines([(1, b'\\xef\\xbb\\xbf{}\\r\\n'), (2, b'caf\\xe9\\n'), (3, b'na\\xefve')], "f", problems)
    >>> list(lines), lines.seen_text, [(p.line, p.level) for p in problems]
    ([(1, '{}\\n'), (2, 'café\\n'), (3, 'naïve')], True, [(2, 'warning')])
    """

    def __init__(self, raw: Iterable[tuple[int, bytes]], path: str, problems: list[Problem], bom: bool = True) -> None:
        self.raw, self.path, self.problems, self.bom = raw, path, problems, bom
        self.seen_text = False

    def __iter__(self) -> Iterator[tuple[int, str]]:
        warned = False
        for n, raw in self.raw:
            if n == 1 and self.bom and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("cp1252", errors="replace")
                if not warned:
                    self.problems.append(_not_utf8(self.path, n))
                    warned = True
            if not self.seen_text and line.strip():
                self.seen_text = True
            yield n, line.replace("\r", "")


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
                        problems.append(_not_utf8("-", n))
                yield n, line.replace("\r", "")
        except (OSError, UnicodeDecodeError) as e:
            problems.append(Problem("-", f"cannot read: {getattr(e, 'strerror', None) or e}"))

    return _read_jsonl(lines(), "-", "-", problems)


def _read_jsonl(lines: Iterable[tuple[int, str]], path: str, file_id: str,
                problems: list[Problem]) -> Iterator[Article]:
    def rows() -> Iterator[tuple[int, Any]]:
        for n, line in lines:
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except (ValueError, RecursionError) as e:
                problems.append(Problem(path, _json_error(e), n))

    return row_articles(rows(), path, file_id, problems)


def row_articles(rows: Iterable[tuple[int, Any]], path: str, file_id: str,
                 problems: list[Problem]) -> Iterator[Article]:
    """Articles from numbered rows (JSONL lines, Parquet rows): ``line`` is the number and the
    default id ``<file_id>:<number>``; a row without text is a problem at its number."""
    for n, row in rows:
        article = _row_article(row, f"{file_id}:{n}", path, n)
        if article is None:
            problems.append(Problem(path, _NO_TEXT, n))
        else:
            yield article


def _read_json(text: str, path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        problems.append(Problem(path, _json_error(e), getattr(e, "lineno", None)))
        return
    if not isinstance(data, list):
        article = _row_article(data, file_id, path, None)
        if article is None:
            problems.append(Problem(path, _NO_TEXT))
        else:
            yield article
        return
    for i, row in enumerate(data, 1):
        article = _row_article(row, f"{file_id}:{i}", path, None)
        if article is None:
            problems.append(Problem(path, f"item {i}: {_NO_TEXT}"))
        else:
            yield article


def _json_error(e: Exception) -> str:
    """Message for a JSON parse failure (JSONDecodeError, too-large number, too deep nesting)."""
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {getattr(e, 'msg', e)}"


def _read_csv(text: str, path: str, file_id: str, problems: list[Problem]) -> Iterator[Article]:
    csv.field_size_limit(2**31 - 1)
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] | None = None
    start = 1
    try:
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            if header is None:
                header = [h.strip().lower() for h in values]
                continue
            article = _row_article(dict(zip(header, values)), f"{file_id}:{line}", path, line)
            if article is None:
                problems.append(Problem(path, _NO_TEXT, line))
            else:
                yield article
    except csv.Error as e:
        problems.append(Problem(path, f"invalid CSV: {e}", start))


def _field(row: dict[str, Any], *names: str) -> str | None:
    """The first non-empty scalar among ``row[names]``, as str."""
    for name in names:
        value = row.get(name)
        if isinstance(value, (str, int, float, bool)) and str(value).strip():
            return str(value)
    return None


_TEXT_KEYS, _DATE_KEYS, _PUBLISHER_KEYS = ("text", "body", "content"), ("published", "date"), ("publisher", "source")
ROW_KEYS = (*_TEXT_KEYS, "id", "title", *_DATE_KEYS, *_PUBLISHER_KEYS, "url")  # what a row's article is made of


def _row_article(row: Any, default_id: str, path: str, line: int | None) -> Article | None:
    """An Article from a JSON/CSV row, or None when it is not an object or has no text."""
    if not isinstance(row, dict):
        return None
    text = _field(row, *_TEXT_KEYS)
    if text is None:
        return None
    published = _field(row, *_DATE_KEYS)
    if published is not None:
        published = _iso_date(published) or published.strip()
    optional = {k: (v.strip() if v else None) for k, v in
                (("title", _field(row, "title")), ("url", _field(row, "url")),
                 ("publisher", _field(row, *_PUBLISHER_KEYS)))}
    return Article(id=(_field(row, "id") or default_id).strip(),
                   text=text.replace("\r\n", "\n").replace("\r", "\n"),
                   published=published, path=path, line=line, **optional)


def _iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` when ``value`` starts with one, else None."""
    value = (value or "").strip()
    return value[:10] if _ISO_DATE.match(value[:10]) else None


# --- HTML --------------------------------------------------------------------

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "header", "footer",
         "aside", "form", "button", "iframe", "title"}
_BLOCK = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "br", "tr", "blockquote",
          "section", "article", "pre"}
_DATE_META = ("article:published_time", "date", "pubdate", "publish-date", "dc.date")


class _PageParser(HTMLParser):
    """Collects metadata and the text of ``<article>``, ``<main>`` and the whole page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.depth = {"skip": 0, "article": 0, "main": 0, "pre": 0, "title": 0, "h1": 0}
        self.parts: dict[str, list[str]] = {"article": [], "main": [], "body": []}
        self.title: list[str] = []
        self.h1: list[str] = []
        self.h1_done = False
        self.time: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (a.get("property") or a.get("name") or "").lower()
            if key and a.get("content") and key not in self.meta:
                self.meta[key] = a["content"].strip()
        elif tag == "link" and "canonical" in a.get("rel", "").lower().split() and a.get("href"):
            self.meta.setdefault("canonical", a["href"].strip())
        elif tag == "time" and self.time is None and a.get("datetime"):
            self.time = a["datetime"]
        self._count(tag, 1)
        if tag in _BLOCK:
            self._emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._emit("\n")
        self._count(tag, -1)
        if tag == "h1" and self.h1:
            self.h1_done = True

    def _count(self, tag: str, step: int) -> None:
        name = "skip" if tag in _SKIP else tag
        if name in self.depth:
            self.depth[name] = max(0, self.depth[name] + step)
        if tag == "title":
            self.depth["title"] = max(0, self.depth["title"] + step)

    def handle_data(self, data: str) -> None:
        if self.depth["title"]:
            self.title.append(data)
        if self.depth["h1"] and not self.h1_done and not self.depth["skip"]:
            self.h1.append(data)
        self._emit(data if self.depth["pre"] else re.sub(r"\s+", " ", data))

    def _emit(self, text: str) -> None:
        if self.depth["skip"]:
            return
        self.parts["body"].append(text)
        for box in ("article", "main"):
            if self.depth[box]:
                self.parts[box].append(text)


def _lines(parts: list[str]) -> str:
    """Chunks joined, each line's spaces collapsed, empty lines dropped."""
    lines = (re.sub(r"[ \t\f\v\xa0]+", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _extract_html(html: str) -> dict[str, str | None]:
    """Main text and metadata (title, published, publisher, url) of an HTML page."""
    if trafilatura is not None:
        text = trafilatura.extract(html, output_format="txt", include_comments=False, with_metadata=False)
        meta = trafilatura.extract_metadata(html)
        return {"text": text or "", "title": getattr(meta, "title", None),
                "published": _iso_date(getattr(meta, "date", None)),
                "publisher": getattr(meta, "sitename", None), "url": getattr(meta, "url", None)}
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    text = next((t for t in (_lines(parser.parts[k]) for k in ("article", "main", "body")) if t), "")
    m = parser.meta
    title = m.get("og:title") or " ".join("".join(parser.title).split()) or " ".join("".join(parser.h1).split())
    published = next((d for d in (_iso_date(m.get(k)) for k in _DATE_META) if d), None) or _iso_date(parser.time)
    return {"text": text, "title": title or None, "published": published,
            "publisher": m.get("og:site_name") or None, "url": m.get("canonical") or m.get("og:url") or None}
