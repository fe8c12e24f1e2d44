"""The files a path names, in reading order, and what a glance at them tells: their type
(by extension), whether they are binary or UTF-16, and the problem messages of unreadable input.

>>> file_type("news/Story.HTML"), file_type("README")
('.html', '.txt')
>>> is_binary(b"PK\\x03\\x04\\x00\\x00"), is_binary("café".encode("utf-16"))
(True, False)
>>> print(unsupported("doc.pdf", ".pdf").message)
unsupported file type '.pdf' (supported: .txt .md .html .htm .json .jsonl .csv)
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from dedup.model import Problem

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".csv")

SNIFF_BYTES = 8192  # bytes looked at to tell a binary file
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EMPTY = "empty file"
BINARY = "binary file, not text (skipped)"
MISSING = "no such file or directory"
NOT_REGULAR = "not a regular file (skipped)"
NOT_UTF8 = "not valid UTF-8; read as cp1252 (check the accents)"


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
    return b"\x00" in head[:SNIFF_BYTES] and not is_utf16(head)
