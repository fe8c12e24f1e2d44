"""Rows to articles: JSONL lines, a JSON object or array, CSV rows (and, for the Spark
reader, Parquet rows). A row is an object with a text (``text``, ``body`` or ``content``)
and optional ``id``, ``title``, ``published``/``date``, ``publisher``/``source``, ``url``
(:data:`ROW_KEYS`); a row without text, or a line that is not JSON, is a problem at its line;
so is a text longer than ``limit`` characters. An id over :data:`MAX_ID_CHARS` is replaced by
the row's default id, with a warning. Lone surrogates (JSON escapes such as
``\\ud800``, which no encoding can write) become U+FFFD, with a warning.

>>> problems = []
>>> lines = [(1, '{"id": "a", "body": "One", "date": "2024-03-05T10:00Z"}'), (2, ''), (3, '{"title": "T"}'),
...          (4, '{"id": "b", "text": "Two", "published": "Feb 31, 2024"}')]
>>> [(a.id, a.text, str(a.published), a.line) for a in read_jsonl(lines, "feed.jsonl", "feed.jsonl", problems)]
[('a', 'One', '2024-03-05 10:00:00+00:00', 1), ('b', 'Two', 'None', 4)]
>>> [str(p) for p in problems]
["feed.jsonl:3: no 'text' (or 'body'/'content') field", "feed.jsonl:4: article b: publication date 'Feb 31, 2024' \
not used (day 31 is out of range for February 2024)"]
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from dedup.dates import parse_published
from dedup.model import Article, Problem
from dedup.ingest.decoding import SURROGATES, scrub
from dedup.ingest.files import MAX_ARTICLE_BYTES, too_large

_NO_TEXT = "no 'text' (or 'body'/'content') field"
_TEXT_KEYS, _DATE_KEYS, _PUBLISHER_KEYS = ("text", "body", "content"), ("published", "date"), ("publisher", "source")
ROW_KEYS = (*_TEXT_KEYS, "id", "title", *_DATE_KEYS, *_PUBLISHER_KEYS, "url")  # what a row's article is made of
# a row's id longer than this is not used (each report repeats an id for each of its pairs): the
# longest URL sitemaps allow
MAX_ID_CHARS = 2048


def read_jsonl(lines: Iterable[tuple[int, str]], path: str, file_id: str,
               problems: list[Problem], limit: int = MAX_ARTICLE_BYTES) -> Iterator[Article]:
    """Articles from numbered JSONL lines (text); blank lines are skipped, a line that is not
    JSON or has no text is a problem at its number."""
    def rows() -> Iterator[tuple[int, Any]]:
        for n, line in lines:
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except (ValueError, RecursionError) as e:
                problems.append(Problem(path, _json_error(e), n))

    return row_articles(rows(), path, file_id, problems, limit)


def row_articles(rows: Iterable[tuple[int, Any]], path: str, file_id: str,
                 problems: list[Problem], limit: int = MAX_ARTICLE_BYTES) -> Iterator[Article]:
    """Articles from numbered rows (JSONL lines, Parquet rows): ``line`` is the number and the
    default id ``<file_id>:<number>``; a row without text is a problem at its number."""
    for n, row in rows:
        article = _row_article(row, f"{file_id}:{n}", path, n, problems, limit)
        if article is not None:
            yield article


def read_json(text: str, path: str, file_id: str, problems: list[Problem],
              limit: int = MAX_ARTICLE_BYTES) -> Iterator[Article]:
    """Articles from a JSON document: one object (id: ``file_id``), or an array of objects
    (ids ``<file_id>:<item number>``)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:
        problems.append(Problem(path, _json_error(e), getattr(e, "lineno", None)))
        return
    if not isinstance(data, list):
        article = _row_article(data, file_id, path, None, problems, limit)
        if article is not None:
            yield article
        return
    for i, row in enumerate(data, 1):
        article = _row_article(row, f"{file_id}:{i}", path, None, problems, limit, f"item {i}: ")
        if article is not None:
            yield article


def _json_error(e: Exception) -> str:
    """Message for a JSON parse failure (JSONDecodeError, too-large number, too deep nesting)."""
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {getattr(e, 'msg', e)}"


def read_csv(text: str, path: str, file_id: str, problems: list[Problem],
             limit: int = MAX_ARTICLE_BYTES) -> Iterator[Article]:
    """Articles from CSV with a header row (names compared lower-cased); blank rows are
    skipped; ids ``<file_id>:<line>``, the line where the row starts."""
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
            article = _row_article(dict(zip(header, values)), f"{file_id}:{line}", path, line, problems, limit)
            if article is not None:
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


def _row_article(row: Any, default_id: str, path: str, line: int | None, problems: list[Problem],
                 limit: int = MAX_ARTICLE_BYTES, where: str = "") -> Article | None:
    """An Article from a JSON/CSV row, or None (a problem in ``problems``, ``where`` in the
    row) when it is not an object, has no text or a text over ``limit`` characters; a
    publication date that is no possible date is a warning in ``problems``, and left out."""
    text = _field(row, *_TEXT_KEYS) if isinstance(row, dict) else None
    if text is None:
        problems.append(Problem(path, where + _NO_TEXT, line))
        return None
    if len(text) > limit:
        problems.append(too_large(path, len(text), limit, line, " of text"))
        return None
    fields = {k: _field(row, *names) for k, names in
              (("text", _TEXT_KEYS), ("title", ("title",)), ("url", ("url",)), ("publisher", _PUBLISHER_KEYS),
               ("id", ("id",)), ("published", _DATE_KEYS))}
    scrubbed = False
    for k, v in fields.items():
        if v is not None:
            fields[k], bad = scrub(v)
            scrubbed |= bad
    if scrubbed:
        problems.append(Problem(path, where + SURROGATES, line, "warning"))
    optional = {k: (fields[k].strip() if fields[k] else None) for k in ("title", "url", "publisher")}
    article_id = (fields["id"] or default_id).strip()
    if len(article_id) > MAX_ID_CHARS:
        problems.append(Problem(path, f"{where}id too long ({len(article_id):,} characters, over {MAX_ID_CHARS:,}): "
                                      f"named {default_id!r}", line, "warning"))
        article_id = default_id
    return Article(id=article_id, text=fields["text"].replace("\r\n", "\n").replace("\r", "\n"),
                   published=published_date(fields["published"], article_id, path, line, problems),
                   path=path, line=line, **optional)


def published_date(value: str | None, article_id: str, path: str, line: int | None,
                   problems: list[Problem]) -> dt.datetime | None:
    """The publication date ``value`` names (:func:`dedup.dates.parse_published`), or None:
    absent, or no possible date (then a warning naming the article, in ``problems``: such a
    date is not used to tell which article came first).

    >>> problems = []
    >>> published_date("2023-02-30", "a", "feed.jsonl", 3, problems), problems[0].message
    (None, "article a: publication date '2023-02-30' not used (day 30 is out of range for February 2023)")
    """
    if value is None or not value.strip():
        return None
    try:
        return parse_published(value.strip())
    except ValueError as e:
        shown = value.strip() if len(value.strip()) <= 40 else value.strip()[:39] + "\u2026"
        problems.append(Problem(path, f"article {article_id}: publication date {shown!r} not used ({e})", line,
                                "warning"))
        return None
