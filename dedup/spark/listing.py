"""The Spark reader's listing, on the driver: the files the paths name, in the local
reader's reading order, each to be read as JSONL lines, Parquet rows or whole, and the
problems met, each given its rank in the reading order. Local paths are walked as the local
reader walks them (:func:`dedup.ingest.input_files`), URIs (``hdfs://``, ``s3a://``,
``file:/``...) through Hadoop's FileSystem API, sorted and filtered the same way.

>>> import pathlib, tempfile
>>> from dedup.spark.session import get_session
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> for name, text in [("b.jsonl", '{"text": "x"}'), ("a.txt", "One"), ("c.pdf", "%PDF"), ("d.txt", "")]:
...     _ = (folder / name).write_text(text)
>>> listing = Listing(get_session("local[2]"))
>>> listing.add(str(folder))
>>> [(i.rank, i.file_id, i.how) for i in listing.inputs]
[(0, 'a.txt', 'whole'), (1, 'b.jsonl', 'lines')]
>>> [(rank, p.message[:25]) for rank, p in listing.problems]
[(2, "unsupported file type '.p"), (3, 'empty file')]
>>> glob_escape("file:/news/[draft]*.txt")
'file:/news/\\\\[draft\\\\]\\\\*.txt'
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from operator import itemgetter
from typing import Any

from py4j.java_gateway import JavaObject, JVMView
from py4j.protocol import Py4JJavaError
from pyspark.sql import SparkSession

from dedup.model import Problem
from dedup.ingest import (BINARY, EMPTY, MISSING, NOT_REGULAR, NOT_UTF8, SNIFF_BYTES, SUPPORTED, file_type, input_files,
                          is_binary, is_utf16, unsupported)

PARQUET = ".parquet"
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:/")  # a scheme (two letters at least: not C:/)
_GLOB = re.compile(r"([\\\[\]{}*?])")

@dataclass(frozen=True)
class Input:
    """A file to read: its rank in the reading order, its path and id as the local reader
    gives them, the Hadoop path Spark reads (``uri``; Spark's ``_metadata.file_path`` is
    it URL-encoded), and how it is read: ``lines`` (JSONL), ``rows`` (Parquet) or ``whole``."""

    rank: int
    path: str
    file_id: str
    uri: str
    how: str


@dataclass
class Listing:
    """The driver's pass over the paths: the files to read and the problems met, ranked."""

    spark: SparkSession
    inputs: list[Input] = field(default_factory=list)
    problems: list[tuple[int, Problem]] = field(default_factory=list)
    ranks: Iterator[int] = field(default_factory=count)

    def __post_init__(self) -> None:
        self.jvm: JVMView | None = self.spark._jvm
        self.conf: JavaObject = self.spark._jsc.hadoopConfiguration()  # Hadoop's
        default_fs = self.jvm.org.apache.hadoop.fs.FileSystem.getDefaultUri(self.conf).getScheme()
        self.local_default: bool = default_fs in (None, "file")  # paths without a scheme are local

    def add(self, path: str) -> None:
        """The files ``path`` names (itself, or those under it), and the problems met, in reading order.

        A path without a scheme is a local path (read with the local reader's walk) unless
        Hadoop's default filesystem is not the local one; then, as for URIs, Hadoop lists it.
        """
        found: list[Problem] = []
        if _URI.match(path) or not self.local_default:
            files: Iterator[tuple[str, str, Any]] = _hadoop_files(self, path, found)
        else:
            files = ((file, file_id, None) for file, file_id in input_files(path, found))
        for file, file_id, status in files:
            self._add_problems(found)
            self._add_file(file, file_id, status)
        self._add_problems(found)

    def _add_problems(self, found: list[Problem]) -> None:
        self.problems.extend((next(self.ranks), p) for p in found)
        found.clear()

    def _add_file(self, path: str, file_id: str, status: Any) -> None:
        """The file's Input, or the problem that keeps it from being read (as the local reader says it)."""
        ext = file_type(path)
        if ext not in SUPPORTED and ext != PARQUET:
            return self._add_problems([unsupported(path, ext)])
        try:
            uri, size, head = self._peek(path, status, sniff=ext == ".jsonl")
        except OSError as e:
            return self._add_problems([Problem(path, f"cannot read: {e.strerror}")])
        if size == 0:
            return self._add_problems([Problem(path, EMPTY)])
        if ext == ".jsonl" and is_binary(head):
            return self._add_problems([Problem(path, BINARY)])
        how = "rows" if ext == PARQUET else "lines" if ext == ".jsonl" and not is_utf16(head) else "whole"
        self.inputs.append(Input(next(self.ranks), path, file_id, uri, how))

    def _peek(self, path: str, status: Any, sniff: bool) -> tuple[str, int, bytes]:
        """The Hadoop path of a file (as a string), its size and (when ``sniff``) its first
        bytes; OSError when it cannot be read."""
        if status is None:  # a local file: opened as the local reader does
            with open(path, "rb") as f:
                head = f.read(SNIFF_BYTES)
                size = os.fstat(f.fileno()).st_size
            return "file:" + os.path.abspath(path), size, head  # what Hadoop's Path("file", None, abspath) prints
        head = b""
        if sniff and status.getLen():
            try:
                stream = status.getPath().getFileSystem(self.conf).open(status.getPath())
                try:
                    head = bytes(stream.readNBytes(SNIFF_BYTES))
                finally:
                    stream.close()
            except Py4JJavaError as e:
                raise OSError(0, java_reason(e)) from e
        return status.getPath().toString(), status.getLen(), head

    def drop(self, unread: Input, problem: Problem) -> None:
        """``unread`` is not read after all: ``problem`` says why."""
        self.inputs.remove(unread)
        self.problems.append((unread.rank, problem))

    def by_uri(self, how: str) -> dict[str, list[tuple[int, str, str]]]:
        """For the files read ``how``: uri -> (rank, path, id), once for each time the paths
        name the file (the local reader reads it each time)."""
        files: dict[str, list[tuple[int, str, str]]] = {}
        for i in self.inputs:
            if i.how == how:
                files.setdefault(i.uri, []).append((i.rank, i.path, i.file_id))
        return files

    def uris(self, how: str) -> list[str]:
        """The files read ``how``, once each, as paths for Spark's readers (glob characters escaped)."""
        return list(dict.fromkeys(glob_escape(i.uri) for i in self.inputs if i.how == how))

    def empty_files(self, blocks: list[tuple[int, int, int, bool]]) -> list[tuple[tuple[int, float, int], Problem]]:
        """An 'empty file' problem for each JSONL or Parquet file in which no block saw text
        (for the local reader, after the file's other problems)."""
        seen = {rank for rank, _, _, saw in blocks if saw}
        return [((i.rank, math.inf, 0), Problem(i.path, EMPTY)) for i in self.inputs
                if i.how != "whole" and i.rank not in seen]

    def sorted_problems(self, found: list[tuple[tuple[int, float, int], Problem]]) -> list[Problem]:
        """The listing's problems and ``found`` ((rank, block, k), problem) in reading order;
        of a file's not-UTF-8 warnings (one a block), the first only, as the local reader gives."""
        ranked = sorted([((rank, -1, 0), p) for rank, p in self.problems] + found, key=itemgetter(0))
        warned: set[int] = set()
        problems = []
        for (rank, _, _), problem in ranked:
            if problem.message == NOT_UTF8:
                if rank in warned:
                    continue
                warned.add(rank)
            problems.append(problem)
        return problems


def _hadoop_files(listing: Listing, path: str, found: list[Problem]) -> Iterator[tuple[str, str, Any]]:
    """(path, id, FileStatus) of the files ``path`` names, as :func:`dedup.ingest.input_files`
    gives them, through Hadoop's FileSystem API."""
    hadoop_path = listing.jvm.org.apache.hadoop.fs.Path(path)
    try:
        fs = hadoop_path.getFileSystem(listing.conf)
        status = fs.getFileStatus(hadoop_path)
    except Py4JJavaError as e:
        found.append(Problem(path, MISSING if _not_found(e) else f"cannot read: {java_reason(e)}"))
        return
    if not status.isDirectory():
        yield path, os.path.basename(path), status
        return
    yield from _hadoop_walk(fs, status.getPath(), path, "", found, set())


def _hadoop_walk(fs: Any, directory: Any, shown: str, prefix: str, found: list[Problem],
                 visited: set[str]) -> Iterator[tuple[str, str, Any]]:
    """The files under ``directory`` (shown as ``shown``; ids prefixed by ``prefix``) as the
    local reader's walk gives them: by name in each folder, recursively, hidden names skipped."""
    uri = directory.toUri()
    real = os.path.realpath(uri.getPath()) if uri.getScheme() == "file" else directory.toString()
    if real in visited:  # symlink loop (local filesystem)
        return
    visited.add(real)
    try:
        statuses = fs.listStatus(directory)
    except Py4JJavaError as e:
        found.append(Problem(shown, f"cannot read: {java_reason(e)}"))
        return
    named = sorted(((s.getPath().getName(), s) for s in statuses), key=itemgetter(0))
    for name, status in named:
        if name.startswith("."):
            continue
        path, file_id = os.path.join(shown, name), prefix + name
        if status.isDirectory():
            yield from _hadoop_walk(fs, status.getPath(), path, file_id + "/", found, visited)
        elif status.isFile():
            yield path, file_id, status
        else:
            found.append(Problem(path, NOT_REGULAR))


def glob_escape(uri: str) -> str:
    """``uri`` as a path for Spark's readers, which read it as a glob: its glob characters escaped."""
    return _GLOB.sub(r"\\\1", uri)


def java_reason(error: Py4JJavaError) -> str:
    """The first line of a Java exception's message."""
    message = error.java_exception.getMessage() or error.java_exception.toString()
    return message.splitlines()[0]


def _not_found(error: Py4JJavaError) -> bool:
    return error.java_exception.getClass().getName() == "java.io.FileNotFoundException"
