r"""Untrusted text (file names, article text) made safe and truthful for each output.

A file name that is not UTF-8 reaches Python as lone surrogates (``surrogateescape``): they
cannot be written as UTF-8, so every output shows the byte escaped, ``\xff``. Text outputs
(terminal table, Markdown, GitHub annotations, stderr) also show control characters escaped,
so a name cannot recolour the terminal or start a line of its own.

>>> name = b"a\x1b[31m\n\xff.txt".decode("utf-8", "surrogateescape")
>>> print(printable(name))
a\x1b[31m\n\xff.txt
>>> print(printable("caf\u00e9 \u202eexe.txt"))
café \u202eexe.txt
>>> print(markdown("<img src=x onerror=alert(1)> | [x](y)"))
&lt;img src=x onerror=alert(1)&gt; \| \[x\](y)
>>> print(json_text('{"id": "bad\udcff.txt"}'))
{"id": "bad\\xff.txt"}
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

# Lone surrogates (undecodable bytes, or a JSON "\ud800"); C0, DEL and C1 controls; Unicode
# line and paragraph separators; bidirectional embeddings, overrides and isolates.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_C0_SURROGATE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_MARKDOWN = {c: "\\" + c for c in "\\`*[]|"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
_MARKDOWN_RE = re.compile("[" + re.escape("".join(_MARKDOWN)) + "]")


def _escape_char(c: str) -> str:
    n = ord(c)
    if 0xDC80 <= n <= 0xDCFF:  # the byte surrogateescape could not decode
        return f"\\x{n - 0xDC00:02x}"
    if c in _NAMED:
        return _NAMED[c]
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escaped(text: str, controls: bool = False) -> str:
    r"""``text`` with lone surrogates as ``\xNN`` (``\uNNNN`` when not a byte): writable as UTF-8;
    with ``controls``, C0 control characters but tab, LF and CR too (``\x1b``; safe on a page
    that embeds JSON, where ``json.dumps`` has escaped them already).

    >>> escaped("bad\udcff.txt"), escaped("a\x1b[31m\n", controls=True)
    ('bad\\xff.txt', 'a\\x1b[31m\n')
    """
    pattern = _C0_SURROGATE if controls else _SURROGATE
    return text if pattern.search(text) is None else pattern.sub(lambda m: _escape_char(m.group()), text)


def printable(text: str, keep: str = "") -> str:
    r"""``text`` with lone surrogates and control characters (but those in ``keep``) escaped,
    ``\n``, ``\t``, ``\x1b``, ``\u202e``, so it shows as one line of inert text.

    >>> printable("two\nlines\x07", keep="\n")
    'two\nlines\\x07'
    """
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escape_char(m.group()), text)


def markdown(text: str) -> str:
    r"""``text`` as inert Markdown: :func:`printable`, then HTML's ``< > &`` as entities and
    ``\ ` * [ ] |`` backslash-escaped (no raw HTML, link, image, code span or table cell break).

    >>> markdown("a|b `c` \\xff")
    'a\\|b \\`c\\` \\\\xff'
    """
    return _MARKDOWN_RE.sub(lambda m: _MARKDOWN[m.group()], printable(text))


def json_text(text: str) -> str:
    r"""JSON text from ``json.dumps(..., ensure_ascii=False)`` with its lone surrogates (they can
    only be inside strings) written as the escaped text ``\xNN``: valid UTF-8 and valid JSON.

    >>> import json
    >>> json.loads(json_text(json.dumps(["bad\udcff"], ensure_ascii=False)))
    ['bad\\xff']
    """
    return text if text.isascii() or not _SURROGATE.search(text) else _SURROGATE.sub(
        lambda m: "\\" + _escape_char(m.group()), text)


def file_uri(path: str) -> str:
    r"""``path`` as a relative URI reference (SARIF ``artifactLocation.uri``): ``/`` separators, its
    bytes (the undecodable ones too) percent-encoded when not URI characters.

    >>> file_uri("posts\\bad\udcff name.md")
    'posts/bad%FF%20name.md'
    """
    try:
        raw = os.fsencode(path)
    except UnicodeEncodeError:  # a surrogate that is not an undecodable byte
        raw = path.encode("utf-8", "surrogatepass")
    return quote(raw.replace(b"\\", b"/"), safe="/@!$'()*+,;=-._~")  # ":" encoded: not a scheme


def workflow_data(text: str) -> str:
    """A GitHub workflow command's message: :func:`printable` but for CR and LF, which GitHub
    reads as ``%0D`` and ``%0A`` (so the annotation keeps its lines, and no command is forged).

    >>> workflow_data("100% \\x1b[0m\\n::error::forged")
    '100%25 \\\\x1b[0m%0A::error::forged'
    """
    return printable(text, keep="\r\n").replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def workflow_property(text: str) -> str:
    """A workflow command's property value (``file=``, ``title=``): :func:`workflow_data`, and
    ``:`` and ``,`` escaped.

    >>> workflow_property("a,b::c")
    'a%2Cb%3A%3Ac'
    """
    return workflow_data(text).replace(":", "%3A").replace(",", "%2C")
