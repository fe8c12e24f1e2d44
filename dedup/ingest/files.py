"""The files a path names, in reading order, and what a glance at them tells: their type
(by extension), whether they are binary or UTF-16/32, and the problem messages of unreadable input.

Only regular files are read: a FIFO, a device or a socket is a problem, never opened (opening a
FIFO blocks; a device may never end). A symbolic link in a folder is followed when it leads
inside the folder walked (a loop is walked once), else reported and not followed unless
``follow_links``.

>>> file_type("news/Story.HTML"), file_type("README")
('.html', '.txt')
>>> is_binary(b"PK\\x03\\x04\\x00\\x00"), is_binary("café".encode("utf-16"))
(True, False)
>>> print(unsupported("doc.pdf", ".pdf").message)
unsupported file type '.pdf' (supported: .txt .md .html .htm .json .jsonl .csv)
>>> print(not_regular("/dev/zero", os.stat("/dev/zero").st_mode).message)
not a regular file (a character device): not read
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator

from dedup.model import Problem

SUPPORTED = (".txt", ".md", ".html", ".htm", ".json", ".jsonl", ".csv")

SNIFF_BYTES = 8192  # bytes looked at to tell a binary file
# UTF-32 first: the UTF-32-LE BOM starts with the UTF-16-LE one
UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
EMPTY = "empty file"
BINARY = "binary file, not text (skipped)"
MISSING = "no such file or directory"
NOT_REGULAR = "not a regular file (skipped)"
NOT_UTF8 = "not valid UTF-8; read as cp1252 (check the accents)"
MAX_ARTICLE_BYTES = 10 << 20  # the default limit on an article's size: 10 MB (news articles: a few hundred kB at most)
JSONL_LINE_FACTOR = 4  # a JSONL line may be this many times the limit (JSON escapes take room); longer: not read
_KINDS = ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def input_files(path: str, problems: list[Problem], follow_links: bool = False) -> Iterator[tuple[str, str]]:
    """The files ``path`` names, in reading order, each with its id: ``path`` itself (id: its
    name) or the files under it (:func:`walk`). A missing path, or one that is no regular
    file nor folder (FIFO, device, socket), is a problem."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        problems.append(Problem(path, MISSING))
        return
    except (OSError, ValueError) as e:
        problems.append(Problem(path, f"cannot read: {getattr(e, 'strerror', None) or e}"))
        return
    if stat.S_ISDIR(mode):
        yield from walk(path, problems, follow_links)
    elif stat.S_ISREG(mode):
        yield path, name_id(os.path.basename(path))
    else:
        problems.append(not_regular(path, mode))


def walk(root: str, problems: list[Problem], follow_links: bool = False) -> Iterator[tuple[str, str]]:
    """Files under ``root`` in sorted order (by name in each directory, recursively, hidden
    names skipped), each with its id: its path relative to ``root``, with ``/``.

    A symbolic link leading out of ``root`` is a warning and not followed, unless
    ``follow_links``; a folder met twice (a link loop) is walked once."""
    top = os.path.realpath(root)
    visited: set[str] = set()
    stack: list[Iterator[os.DirEntry]] = []

    def enter(directory: str) -> None:
        real = os.path.realpath(directory)
        if real in visited:  # symlink loop, or a folder linked twice
            return
        visited.add(real)
        try:
            with os.scandir(directory) as it:
                entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        except OSError as e:
            problems.append(Problem(directory, f"cannot read: {e.strerror}"))
            return
        stack.append(iter(entries))

    enter(root)
    while stack:  # depth first, without recursion: any depth of folders
        entry = next(stack[-1], None)
        if entry is None:
            stack.pop()
            continue
        try:
            link = entry.is_symlink()
            mode = os.stat(entry.path).st_mode if link else entry.stat(follow_symlinks=False).st_mode
        except FileNotFoundError:
            problems.append(Problem(entry.path, MISSING + (" (broken symbolic link)" if link else "")))
            continue
        except OSError as e:
            problems.append(Problem(entry.path, f"cannot read: {e.strerror}"))
            continue
        if link and not follow_links and not _inside(os.path.realpath(entry.path), top):
            problems.append(Problem(entry.path, f"symbolic link to {os.path.realpath(entry.path)}, outside "
                                                f"{root}: not followed (--follow-links follows it)", level="warning"))
        elif stat.S_ISDIR(mode):
            enter(entry.path)
        elif stat.S_ISREG(mode):
            yield entry.path, name_id(os.path.relpath(entry.path, root).replace(os.sep, "/"))
        else:
            problems.append(not_regular(entry.path, mode))


def _inside(real: str, top: str) -> bool:
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def not_regular(path: str, mode: int) -> Problem:
    """The problem of a path that is no regular file nor folder (``mode``: its ``st_mode``)."""
    kind = next((name for test, name in _KINDS if test(mode)), "not a file")
    return Problem(path, f"not a regular file ({kind}): not read")


def megabytes(size: int) -> str:
    """``size`` bytes for messages, in MB (MiB; 3 significant digits below 100), else kB or bytes.

    >>> [megabytes(n) for n in (10 << 20, 12_500_000, 150_000, 5000, 12, 5 << 30)]
    ['10 MB', '11.9 MB', '0.143 MB', '4.88 kB', '12 bytes', '5,120 MB']
    """
    mb = size / (1 << 20)
    if mb >= 100:
        return f"{mb:,.0f} MB"
    if mb >= 0.1:
        return f"{mb:.3g} MB"
    return f"{size / 1024:.3g} kB" if size >= 1024 else f"{size} bytes"


def too_large(path: str, size: int, limit: int, line: int | None = None, what: str = "") -> Problem:
    """The problem of an article over ``limit`` bytes (``size``, and ``what`` it measures).

    >>> print(too_large("big.txt", 60 << 20, MAX_ARTICLE_BYTES))
    big.txt: article too large: 60 MB, over the 10 MB limit (--max-article-mb): not read
    """
    return Problem(path, f"article too large: {megabytes(size)}{what}, over the {megabytes(limit)} limit "
                         "(--max-article-mb): not read", line)


def jsonl_line_limit(limit: int) -> int:
    """The longest JSONL line read for an article ``limit``: :data:`JSONL_LINE_FACTOR` x ``limit``, no
    more than a read can ask for (``--max-article-mb 1e300`` asks for more).

    >>> jsonl_line_limit(MAX_ARTICLE_BYTES) == 40 << 20, jsonl_line_limit(10 ** 300) == sys.maxsize - 1
    (True, True)
    """
    return min(JSONL_LINE_FACTOR * limit, sys.maxsize - 1)


def name_id(name: str) -> str:
    """An article id from a file name: bytes that are not UTF-8 (kept by the file system as
    surrogate escapes) shown as ``\\xNN``, so that every store, report and index can hold it.

    >>> name_id(os.fsdecode(b"bad\\xff.txt")), name_id("café.txt")
    ('bad\\\\xff.txt', 'café.txt')
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def file_type(path: str) -> str:
    """The lower-cased extension of ``path``, ``.txt`` when it has none."""
    return os.path.splitext(path)[1].lower() or ".txt"


def unsupported(path: str, ext: str) -> Problem:
    return Problem(path, f"unsupported file type '{ext}' (supported: {' '.join(SUPPORTED)})")


def is_utf16(head: bytes) -> bool:
    """Whether bytes start with a UTF-16 or UTF-32 byte order mark (such JSONL is read whole,
    not line by line)."""
    return head.startswith(UTF16_BOMS + UTF32_BOMS)


def is_binary(head: bytes) -> bool:
    """Whether a file starting with ``head`` is binary: a NUL byte in its first bytes, not UTF-16/32."""
    return b"\x00" in head[:SNIFF_BYTES] and not is_utf16(head)


def nul_line(data: bytes) -> int | None:
    """The line (1-based) of the first NUL byte in text ``data`` (not UTF-16/32), None when none:
    text never holds one, a file that does is binary.

    >>> nul_line(b"one\\ntwo\\x00"), nul_line(b"fine"), nul_line("wide".encode("utf-16"))
    (2, None, None)
    """
    if is_utf16(data):
        return None
    at = data.find(b"\x00")
    return None if at < 0 else data.count(b"\n", 0, at) + 1
