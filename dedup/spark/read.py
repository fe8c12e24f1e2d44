"""Articles read into a Spark DataFrame as :func:`dedup.ingest.read_articles` reads them:
the same files in the same order, parsed by the same functions, with the same ids and problems.

* The driver lists the input (:class:`dedup.spark.listing.Listing`): local paths with the
  local reader's own walk (:func:`dedup.ingest.input_files`), URIs (``hdfs://``,
  ``s3a://``, ``file:/``...) through Hadoop's FileSystem API, sorted and filtered the same
  way. Each file and each problem met gets a rank, its place in the reading order.
* JSONL is read line by line where it lies (Spark's text source cuts it into blocks): a
  first pass counts the lines of each block in the JVM, so that each line knows its number;
  the workers then decode and parse the lines with the local reader's functions.
* Parquet rows (``spark.read.parquet``) become articles as JSONL rows do, their 1-based row
  number in the file standing for the line number (``line``, and the default id
  ``<file id>:<row>``); ``_metadata.row_index`` gives it, however the file is split.
  Parquet is the one format the local reader does not read.
* The other files (.txt .md .html .htm .json .csv, and UTF-16 JSONL, which the local reader
  also reads whole) are read whole (Spark's ``binaryFile`` source) and parsed by
  :func:`dedup.ingest.parse_bytes`.
* The parsed records are cached once; the driver collects the problems and the number of
  articles of each block, which number the articles (``idx``), and renames the repeated ids
  as the local reader's sequential pass does (:func:`_renames`).

Where it differs from the local reader: it reads Parquet; ``-`` (stdin) it does not; a
path without a scheme is read from Hadoop's default filesystem when that is not the local
one; a file that turns unreadable after the listing fails the job; under a URI, Hadoop
lists no broken symbolic link (the local reader reports it); a file read whole must be
under 2 GB (``spark.sql.sources.binaryFile.maxLength``). The article size limit is the
default one (:data:`dedup.ingest.MAX_ARTICLE_BYTES`), and a JSONL line is not cut short by it
(Spark reads the lines; a row's text over it is refused as locally); a NUL byte in a JSONL
line stops the block of lines it is in, not the rest of the file.

>>> import pathlib, tempfile
>>> from dedup.spark.session import get_session
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "a.txt").write_text("One story.")
>>> _ = (folder / "feed.jsonl").write_text('{"id": "a.txt", "text": "Two"}\\nnot json\\n')
>>> df, problems = read_articles_spark(get_session("local[2]"), [str(folder)])
>>> [(r.idx, r.id, r.text, r.line) for r in df.orderBy("idx").collect()]
[(0, 'a.txt', 'One story.', None), (1, 'a.txt#2', 'Two', 1)]
>>> [str(p).replace(str(folder), "<folder>") for p in problems]
['<folder>/feed.jsonl:2: invalid JSON: Expecting value', "<folder>/feed.jsonl:1: duplicate id 'a.txt' (already used in this run): renamed 'a.txt#2'"]
>>> _ = df.unpersist()
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import partial, reduce
from itertools import count, groupby, islice
from operator import itemgetter
from typing import Any
from urllib.parse import unquote

import pyarrow as pa
from py4j.protocol import Py4JJavaError
from pyspark.errors import AnalysisException
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.pandas.types import from_arrow_schema

from dedup.dates import format_published
from dedup.model import Article, Problem
from dedup.ingest import ROW_KEYS, DecodedLines, parse_bytes, read_jsonl, renamed_id, row_articles, unique_id
from dedup.spark.listing import Listing, glob_escape, java_reason

ARTICLE_COLUMNS = ("id", "text", "title", "published", "publisher", "url", "path")
# what read_articles_spark returns: idx (the position in the local reader's list), then the
# Article fields the reader fills
_COLUMNS = [("idx", "long"), *((c, "string") for c in ARTICLE_COLUMNS), ("line", "int")]
SCHEMA = ", ".join(f"{name} {type_}" for name, type_ in _COLUMNS)

# What the workers return, one record per article, problem and block (a block: a piece of
# one file read by one task; a whole file for the formats read whole). ``rank``, ``block``
# (byte offset of the block in its file) and ``k`` (the article's, or the problem's,
# ordinal in its block) put records in reading order. A block record says how many
# articles the block holds (in ``k``) and whether it held any text or row (``seen``).
_STR, _INT, _LONG = pa.string(), pa.int32(), pa.int64()
_RECORD = pa.schema([("kind", _STR), ("rank", _INT), ("block", _LONG), ("k", _LONG),
                     *((c, _STR) for c in ARTICLE_COLUMNS), ("line", _INT),
                     ("message", _STR), ("level", _STR), ("seen", pa.bool_())])
_RECORD_DDL = from_arrow_schema(_RECORD).simpleString()[len("struct<"):-1]
_BATCH = 1000  # records per Arrow batch returned by the workers

# Spark's readers are given the listed files one by one: no partition columns from
# key=value folders, and no skipping of names starting with "_" (the local reader reads them)
_READ_OPTIONS = {"recursiveFileLookup": "true", "ignoredPathSegmentRegex": ""}
# Java regex: the trailing "#<digits>" groups of an id (\z: the very end, before any newline)
_SUFFIXES = r"(#[0-9]+)+\z"


def read_articles_spark(spark: SparkSession, paths: Iterable[str]) -> tuple[DataFrame, list[Problem]]:
    """The articles of ``paths`` (files or folders: local paths, or URIs Hadoop reads) and the
    problems met while reading them.

    The DataFrame (columns: :data:`SCHEMA`) holds what :func:`dedup.ingest.read_articles`
    gives for the same paths, ``idx`` being each article's position in that list; it is
    persisted (call ``unpersist()`` when done). The problems are those of the local reader,
    in its order (the reading order of the files; in a file, line after line). ``-`` (stdin)
    cannot be read by Spark: ValueError.
    """
    paths = list(paths)
    if "-" in paths:
        raise ValueError("the Spark reader cannot read stdin ('-'): give files or folders")
    listing = Listing(spark)
    for path in paths:
        listing.add(path)
    records = _records(spark, listing)
    if records is None:
        return spark.createDataFrame([], SCHEMA), listing.sorted_problems([])
    records = records.persist()
    try:
        # one job parses the files (the records are cached) and finds the repeated ids
        articles = records.where("kind = 'article'")
        side = records.where("kind != 'article'").unionByName(_repeated(articles), allowMissingColumns=True).collect()
        blocks = [(r.rank, r.block, r.k, r.seen) for r in side if r.kind == "block"]
        _check_read(listing, "whole", {rank for rank, *_ in blocks})
        numbered = _numbered(spark, articles, blocks)
        renames = _renames(numbered, {r.id for r in side if r.kind == "repeated"})
        result = _renamed(spark, numbered, renames).selectExpr(*_casts()).persist()
        result.count()
        warnings = _rename_warnings(numbered, renames)
    finally:
        records.unpersist()
    found = [((r.rank, r.block, r.k), Problem(r.path, r.message, r.line, r.level)) for r in side if r.kind == "problem"]
    return result, listing.sorted_problems(found + listing.empty_files(blocks)) + warnings


def _records(spark: SparkSession, listing: Listing) -> DataFrame | None:
    """The records of all the files (None when there is no file to read)."""
    frames = [_lines_frame(spark, listing), _whole_frame(spark, listing), _parquet_frame(spark, listing)]
    frames = [frame for frame in frames if frame is not None]
    return reduce(DataFrame.union, frames) if frames else None


# --- the workers: files to records ------------------------------------------------------

def _load(spark: SparkSession, source: str, uris: list[str], **options: str) -> DataFrame:
    """Spark's ``source`` reader over the listed files ``uris``."""
    reader = spark.read.format(source).options(**_READ_OPTIONS, **options)
    with _stat_on_driver(spark, uris):
        return reader.load(uris)


@contextmanager
def _stat_on_driver(spark: SparkSession, uris: list[str]) -> Iterator[None]:
    """Spark looks the files it is given up again, with a Spark job above a threshold (32
    paths); local files the driver looks up far faster, so the threshold is raised for them."""
    if not all(uri.startswith("file:") for uri in uris):
        yield
        return
    key = "spark.sql.sources.parallelPartitionDiscovery.threshold"
    before = spark.conf.get(key)
    spark.conf.set(key, str(max(len(uris), int(before))))
    try:
        yield
    finally:
        spark.conf.set(key, before)


def _lines_frame(spark: SparkSession, listing: Listing) -> DataFrame | None:
    """Records of the JSONL files, read line by line: a counting pass numbers the lines."""
    uris = listing.uris("lines")
    if not uris:
        return None
    lines = (_load(spark, "text", uris, lineSep="\n")  # lines end at "\n" only, as in Python
             .select(F.col("value").cast("binary").alias("raw"),  # the bytes as they are (not UTF-8 perhaps)
                     F.col("_metadata.file_path").alias("file"), F.col("_metadata.file_block_start").alias("block")))
    counts = lines.groupBy("file", "block").count().collect()
    read = {unquote(r.file) for r in counts}
    _check_read(listing, "lines", {i.rank for i in listing.inputs if i.uri in read})
    return lines.mapInArrow(_arrow(partial(_parse_lines, listing.by_uri("lines"), _first_lines(counts))), _RECORD_DDL)


def _first_lines(counts: list) -> dict[tuple[str, int], int]:
    """(file, block) -> number of the block's first line, from each block's line count."""
    firsts, following = {}, {}
    for r in sorted(counts, key=lambda r: (r.file, r.block)):
        firsts[(r.file, r.block)] = following.get(r.file, 1)
        following[r.file] = firsts[(r.file, r.block)] + r["count"]
    return firsts


def _parse_lines(files: dict, firsts: dict, rows: Iterator[tuple]) -> Iterator[tuple]:
    """Records of the lines (raw bytes, file, block) of a task, block after block."""
    for (key, block), group in groupby(rows, key=itemgetter(1, 2)):
        occurrences = files[unquote(key)]
        raws = _replayable(map(itemgetter(0), group), len(occurrences))
        for rank, path, file_id in occurrences:
            problems: list[Problem] = []
            # bom=False: Hadoop's line reader has dropped the BOM at the start of the file already
            lines = DecodedLines(zip(count(firsts[(key, block)]), raws), path, problems, bom=False)
            yield from _block_records(rank, block, read_jsonl(lines, path, file_id, problems), problems,
                                      lambda: lines.seen_text)


def _replayable(items: Iterator, times: int) -> Iterable:
    """``items``, as a list when they are to be gone through more than once."""
    return list(items) if times > 1 else items


def _whole_frame(spark: SparkSession, listing: Listing) -> DataFrame | None:
    """Records of the files read whole."""
    uris = listing.uris("whole")
    if not uris:
        return None
    files = (_load(spark, "binaryFile", uris)
             .select("content", F.col("_metadata.file_path").alias("file")))
    return files.mapInArrow(_arrow(partial(_parse_whole, listing.by_uri("whole"))), _RECORD_DDL)


def _parse_whole(files: dict, rows: Iterator[tuple]) -> Iterator[tuple]:
    for content, key in rows:
        for rank, path, file_id in files[unquote(key)]:
            problems: list[Problem] = []
            yield from _block_records(rank, 0, parse_bytes(content, path, file_id, problems), problems, lambda: True)


def _parquet_frame(spark: SparkSession, listing: Listing) -> DataFrame | None:
    """Records of the Parquet files: read together (schemas merged) when they can be, else
    file by file, a file Spark cannot read being a problem."""
    inputs = [i for i in listing.inputs if i.how == "rows"]
    if not inputs:
        return None
    try:
        return _parquet_rows(spark, listing.uris("rows"), listing.by_uri("rows"))
    except (AnalysisException, Py4JJavaError):  # conflicting column types, a file that is not Parquet...
        pass
    frames = []
    for i in inputs:
        try:
            frames.append(_parquet_rows(spark, [glob_escape(i.uri)], {i.uri: [(i.rank, i.path, i.file_id)]}))
        except (AnalysisException, Py4JJavaError) as e:
            message = java_reason(e) if isinstance(e, Py4JJavaError) else str(e).splitlines()[0]
            listing.drop(i, Problem(i.path, f"cannot read Parquet: {message}"))
    return reduce(DataFrame.union, frames) if frames else None


def _parquet_rows(spark: SparkSession, uris: list[str], files: dict) -> DataFrame:
    table = _load(spark, "parquet", uris, mergeSchema="true")
    names = [c for c in table.columns if c in ROW_KEYS]  # the columns a row's article is made of
    rows = table.select(F.col("_metadata.file_path").alias("file"), F.col("_metadata.file_block_start").alias("block"),
                        F.col("_metadata.row_index").alias("row"), *names)
    return rows.mapInArrow(_arrow(partial(_parse_rows, files, names)), _RECORD_DDL)


def _parse_rows(files: dict, names: list[str], rows: Iterator[tuple]) -> Iterator[tuple]:
    """Records of the Parquet rows (file, block, row index, values...) of a task, block after block."""
    for (key, block), group in groupby(rows, key=itemgetter(0, 1)):
        occurrences = files[unquote(key)]
        numbered = _replayable(((row + 1, [_plain(v) for v in values]) for _, _, row, *values in group),
                               len(occurrences))
        for rank, path, file_id in occurrences:
            problems: list[Problem] = []
            articles = row_articles(((n, dict(zip(names, values))) for n, values in numbered), path, file_id, problems)
            yield from _block_records(rank, block, articles, problems, lambda: True)  # a block holds a row at least


def _plain(value: Any) -> Any:
    """A Parquet value as JSON would hold it: dates and times as ISO strings."""
    return value.isoformat() if isinstance(value, (datetime.date, datetime.time)) else value


def _block_records(rank: int, block: int, articles: Iterator[Article], problems: list[Problem],
                   seen: Callable[[], bool]) -> Iterator[tuple]:
    """The records of a block: its articles, the problems met reading them, then the block
    record (``seen()`` is asked once the articles are read)."""
    n = -1
    for n, a in enumerate(articles):
        published = format_published(a.published) if a.published is not None else None
        yield ("article", rank, block, n, a.id, a.text, a.title, published, a.publisher, a.url, a.path, a.line,
               None, None, None)
    for k, p in enumerate(problems):
        yield "problem", rank, block, k, None, None, None, None, None, None, p.path, p.line, p.message, p.level, None
    yield "block", rank, block, n + 1, None, None, None, None, None, None, None, None, None, None, seen()


def _arrow(parse: Callable[[Iterator[tuple]], Iterator[tuple]]) -> Callable:
    """``parse`` (rows of a task in, records out) as a ``mapInArrow`` function."""
    def run(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        rows = (row for batch in batches for row in zip(*(column.to_pylist() for column in batch.columns)))
        records = parse(rows)
        while chunk := list(islice(records, _BATCH)):
            columns = [pa.array(values, f.type) for values, f in zip(zip(*chunk), _RECORD)]
            yield pa.RecordBatch.from_arrays(columns, schema=_RECORD)
    return run


def _check_read(listing: Listing, how: str, ranks: set[int]) -> None:
    """Spark must have read every file read ``how`` (``ranks``: those it read; none is
    empty): a check that no option or version of Spark skipped some."""
    skipped = [i.path for i in listing.inputs if i.how == how and i.rank not in ranks]
    if skipped:
        raise RuntimeError(f"Spark did not read {len(skipped)} file(s), e.g. {skipped[0]}")


# --- the driver: numbering and ids -----------------------------------------------------

def _numbered(spark: SparkSession, articles: DataFrame, blocks: list[tuple[int, int, int, bool]]) -> DataFrame:
    """``articles`` with ``idx``: the articles of the blocks before theirs (in reading order), plus ``k``."""
    firsts, total = [], 0
    for rank, block, n, _ in sorted(blocks):
        if n:
            firsts.append((rank, block, total))
            total += n
    offsets = spark.createDataFrame(firsts, "rank int, block long, first long")
    return articles.join(F.broadcast(offsets), ["rank", "block"]).withColumn("idx", F.col("first") + F.col("k"))


def _repeated(articles: DataFrame) -> DataFrame:
    """The bases (see :func:`_renames`) of the ids of more than one article: rows of kind
    ``repeated``, the base in ``id``."""
    repeated = articles.groupBy("id").count().where("count > 1")
    return repeated.select(F.lit("repeated").alias("kind"), F.regexp_replace("id", _SUFFIXES, "").alias("id"))


def _renames(numbered: DataFrame, bases: set[str]) -> list[tuple[int, str]]:
    """(idx, id) of the articles whose id the local reader's sequential pass changes
    (:func:`dedup.ingest.unique_id`: ``id#2``, ``id#3``...), computed on a few ids only.

    ``unique_id`` changes an id only when it has been seen before: as another article's id
    (the id is repeated) or as a name it made, ``<id>#<n>`` (that id being changed itself).
    So every id it changes or makes is in the family of a repeated id d: d followed by none
    or more ``#<digits>``; it looks up only such ids, and never changes an id outside the
    families. Running it over the articles of the families alone, in ``idx`` order, thus
    gives their ids exactly. Members of d's family share d's base (d without its trailing
    ``#<digits>`` groups), so the articles whose base is one of ``bases`` (those of the
    repeated ids) are taken: a superset of the families, whose extra ids are never changed
    nor looked up.
    """
    if not bases:
        return []
    spark = numbered.sparkSession
    wanted = spark.createDataFrame([(b,) for b in bases], "base string")
    base = F.regexp_replace("id", _SUFFIXES, "")
    family = numbered.join(F.broadcast(wanted), base == wanted.base).select("idx", "id").collect()
    seen: dict[str, int] = {}
    renames = []
    for idx, id_ in sorted(family):
        unique = unique_id(id_, seen)
        if unique != id_:
            renames.append((idx, unique))
    return renames


def _rename_warnings(numbered: DataFrame, renames: list[tuple[int, str]]) -> list[Problem]:
    """The warnings of ``renames`` (idx, new id), in reading order, as the local reader adds them last."""
    if not renames:
        return []
    wanted = numbered.sparkSession.createDataFrame(renames, "idx long, unique_id string")
    rows = numbered.join(F.broadcast(wanted), "idx").select("idx", "id", "unique_id", "path", "line").collect()
    return [renamed_id(r.path, r.line, r.id, r.unique_id) for r in sorted(rows, key=lambda r: r.idx)]


def _renamed(spark: SparkSession, numbered: DataFrame, renames: list[tuple[int, str]]) -> DataFrame:
    """``numbered`` with the ids of ``renames`` (idx, id)."""
    if not renames:
        return numbered
    renamed = spark.createDataFrame(renames, "idx long, unique_id string")
    return (numbered.join(F.broadcast(renamed), "idx", "left")
            .withColumn("id", F.coalesce("unique_id", "id")).drop("unique_id"))


def _casts() -> list[str]:
    """The columns of :data:`SCHEMA`, as ``selectExpr`` casts."""
    return [f"cast({name} as {type_}) as {name}" for name, type_ in _COLUMNS]
