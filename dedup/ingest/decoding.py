"""Bytes to text, never failing: UTF-8 (with or without BOM), UTF-32 or UTF-16 by its BOM,
else cp1252 with a warning at the first line that is not UTF-8; newlines normalised to LF.
Text from JSON escapes may hold lone surrogates (``\\ud800``), which no encoding can write:
:func:`scrub` replaces them.

>>> decode(b'\\xef\\xbb\\xbfcaf\\xc3\\xa9') == 'café'
True
>>> decode(b'caf\\xe9\\r\\nnext\\rlast')
'café\\nnext\\nlast'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from dedup.model import Problem
from dedup.ingest.files import NOT_UTF8, UTF16_BOMS, UTF32_BOMS

SURROGATES = "lone surrogate (\\ud800-\\udfff escape, no character) replaced by U+FFFD"
NUL_REST = "binary data (a NUL byte), not text: the rest of the file is not read"
_SURROGATE = re.compile("[\ud800-\udfff]")


def decode(data: bytes) -> str:
    """Decode bytes to text and normalise newlines to LF; never raises.

    UTF-8 BOM -> utf-8-sig; UTF-32 BOM -> utf-32; UTF-16 BOM -> utf-16; else strict UTF-8; else cp1252.
    """
    return decode_checked(data)[0]


def decode_checked(data: bytes) -> tuple[str, int | None]:
    """:func:`decode`, plus the line of the first byte that is not UTF-8 when cp1252 was used.

    >>> decode_checked(b"fine\\ncaf\\xe9")
    ('fine\\ncafé', 2)
    >>> decode_checked("wide".encode("utf-32"))
    ('wide', None)
    """
    bad = None
    if data.startswith(b"\xef\xbb\xbf"):
        text = data.decode("utf-8-sig", errors="replace")
    elif data.startswith(UTF32_BOMS):  # before UTF-16: the UTF-32-LE BOM starts with the UTF-16-LE one
        text = data.decode("utf-32", errors="replace")
    elif data.startswith(UTF16_BOMS):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as e:
            bad = data.count(b"\n", 0, e.start) + 1
            text = data.decode("cp1252", errors="replace")
    return text.replace("\r\n", "\n").replace("\r", "\n"), bad


def scrub(text: str) -> tuple[str, bool]:
    """``text`` with each lone surrogate replaced by U+FFFD, and whether there was one.

    >>> scrub("a\\ud800b"), scrub("fine")
    (('a\ufffdb', True), ('fine', False))
    """
    if text.isascii() or _SURROGATE.search(text) is None:
        return text, False
    return _SURROGATE.sub("\ufffd", text), True


def not_utf8_warning(path: str, line: int) -> Problem:
    """The warning for a file read as cp1252, at its first line that is not UTF-8."""
    return Problem(path, NOT_UTF8, line, "warning")


class DecodedLines:
    """Numbered raw JSONL lines (bytes) as numbered text lines: UTF-8, else cp1252 with a
    warning for the first such line; CR removed; the UTF-8 BOM dropped from line 1 when
    ``bom``. ``seen_text`` tells, once iterated, whether a line was not blank. A line with a
    NUL byte is binary data: an error, and no line after it is read. A line given as None was
    skipped by the reader (which said why).

    >>> problems = []
    >>> lines = DecodedLines([(1, b'\\xef\\xbb\\xbf{}\\r\\n'), (2, b'caf\\xe9\\n'), (3, b'na\\xefve'),
    ...                       (4, b'\\x00\\x01'), (5, b'{}')], "f", problems)
    >>> list(lines), lines.seen_text, [(p.line, p.level) for p in problems]
    ([(1, '{}\\n'), (2, 'café\\n'), (3, 'naïve')], True, [(2, 'warning'), (4, 'error')])
    >>> print(problems[1])
    f:4: binary data (a NUL byte), not text: the rest of the file is not read
    """

    def __init__(self, raw: Iterable[tuple[int, bytes | None]], path: str, problems: list[Problem], bom: bool = True) -> None:
        self.raw: Iterable[tuple[int, bytes | None]] = raw
        self.path: str = path
        self.problems: list[Problem] = problems  # where the problems met while decoding are added
        self.bom: bool = bom
        self.seen_text: bool = False  # a line with text seen (or a line not to be decoded: None)

    def __iter__(self) -> Iterator[tuple[int, str]]:
        warned = False
        for n, raw in self.raw:
            if raw is None:
                self.seen_text = True
                continue
            if b"\x00" in raw:
                self.problems.append(Problem(self.path, NUL_REST, n))
                return
            if n == 1 and self.bom and raw.startswith(b"\xef\xbb\xbf"):
                raw = raw[3:]
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                line = raw.decode("cp1252", errors="replace")
                if not warned:
                    self.problems.append(not_utf8_warning(self.path, n))
                    warned = True
            if not self.seen_text and line.strip():
                self.seen_text = True
            yield n, line.replace("\r", "")
