"""Keep a large corpus's texts and arrays out of the process's memory: in temporary
files, read back on demand.

At a million news articles the texts and cleaned bodies are some 5 GB of strings, held from
reading to the report while most stages need only a few of them at a time. A
:class:`TextSpill` appends them to an unlinked temporary file (the system's page cache
holds it, and can drop it) and hands back a :class:`Spilled` reference of a few dozen
bytes; :class:`dedup.model.Article` reads such a reference back transparently, so
spilling changes where a text lives, never what the code sees. Reads are ``os.pread``:
forked workers share the file safely.

>>> store = TextSpill()
>>> ref = store.put("Le président a dit « oui ».")
>>> ref.read(), len(ref)
('Le président a dit « oui ».', 27)
"""

from __future__ import annotations

import io
import itertools
import os
import pickle
import tempfile
from collections.abc import Callable
from typing import Any

import numpy as np
import numpy.typing as npt


class TextSpill:
    """An append-only file of UTF-8 texts (in ``folder``, default: the system's temporary
    folder, ``TMPDIR``); deleted when the last reference to it goes."""

    def __init__(self, folder: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="dedup-texts-", dir=folder, buffering=0)
        self._end = 0

    def put(self, text: str) -> Spilled:
        """Append ``text``; its reference."""
        return self.put_many([text])[0]

    def put_many(self, texts: list[str]) -> list[Spilled]:
        """Append ``texts`` with one write; their references, in order."""
        data = [t.encode("utf-8", "surrogatepass") for t in texts]
        return [Spilled(self, at, len(d), len(t)) for t, d, at in zip(texts, data, self._append(data))]

    def put_values(self, values: list[Any], decode: Callable[[Any], Any] | None = None) -> list[SpilledValue]:
        """Append ``values`` pickled, with one write; their references, in order (``decode``:
        what makes each value read back into what the caller wants)."""
        data = [pickle.dumps(v, pickle.HIGHEST_PROTOCOL) for v in values]
        return [SpilledValue(self, at, len(d), decode) for d, at in zip(data, self._append(data))]

    def _append(self, data: list[bytes]) -> list[int]:
        """Write ``data`` at the end of the file; where each piece starts."""
        starts = list(itertools.accumulate((len(d) for d in data[:-1]), initial=self._end))
        blob = memoryview(b"".join(data))
        while blob:
            written = os.pwrite(self._file.fileno(), blob, self._end)
            blob, self._end = blob[written:], self._end + written
        return starts

    def read_bytes(self, offset: int, size: int) -> bytes:
        return os.pread(self._file.fileno(), size, offset)

    def read(self, offset: int, size: int) -> str:
        return self.read_bytes(offset, size).decode("utf-8", "surrogatepass")


class Spilled:
    """Where one text lies in a :class:`TextSpill`; ``read()`` gives it back. Pickles as
    the text itself (another process may not see the file)."""

    __slots__ = ("store", "offset", "size", "chars")
    store: TextSpill
    offset: int  # in bytes, in the store's file
    size: int  # in bytes, UTF-8
    chars: int  # the text's length

    def __init__(self, store: TextSpill, offset: int, size: int, chars: int) -> None:
        self.store, self.offset, self.size, self.chars = store, offset, size, chars

    def read(self) -> str:
        return self.store.read(self.offset, self.size)

    def __len__(self) -> int:
        return self.chars

    def __reduce__(self) -> tuple[type[str], tuple[str]]:
        return str, (self.read(),)


class SpilledValue:
    """Where one pickled value lies in a :class:`TextSpill` (:meth:`TextSpill.put_values`);
    ``read()`` gives it back (through ``decode``, when given). Pickles as what ``read()``
    gives, as :class:`Spilled` pickles as its text.

    >>> ref, = TextSpill().put_values([("a", 1)], decode=list)
    >>> ref.read(), pickle.loads(pickle.dumps(ref))
    (['a', 1], ['a', 1])
    """

    __slots__ = ("store", "offset", "size", "decode")
    store: TextSpill
    offset: int
    size: int
    decode: Callable[[Any], Any] | None

    def __init__(self, store: TextSpill, offset: int, size: int, decode: Callable[[Any], Any] | None = None) -> None:
        self.store, self.offset, self.size, self.decode = store, offset, size, decode

    def read(self) -> Any:
        value = pickle.loads(self.store.read_bytes(self.offset, self.size))
        return value if self.decode is None else self.decode(value)

    def __reduce__(self) -> tuple[Any, tuple[Any]]:
        return _same, (self.read(),)


def _same(value: Any) -> Any:
    return value


class ArraySink:
    """Blocks of an array joined in order: kept in memory, or appended to a raw file at
    ``path`` and mapped read-only at the end (``result``) or read back whole (``read``).

    >>> sink = ArraySink(np.int32)
    >>> sink.add(np.array([1, 2])); sink.add(np.array([3]))
    >>> sink.result().tolist()
    [1, 2, 3]
    """

    def __init__(self, dtype: npt.DTypeLike, width: int = 0, path: str | None = None) -> None:
        self.dtype: np.dtype[Any] = np.dtype(dtype)
        self.shape_tail: tuple[int, ...] = (width,) if width else ()  # the shape of a row
        self.path: str | None = path
        self.blocks: list[np.ndarray] = []
        self.rows: int = 0
        self.file: io.BufferedWriter | None = open(path, "wb") if path else None

    def add(self, block: np.ndarray) -> None:
        block = np.ascontiguousarray(block, self.dtype)
        self.rows += block.shape[0]
        if self.file is None:
            self.blocks.append(block)
        else:
            self.file.write(block.data)

    def _close(self) -> None:
        if self.file is not None:
            self.file.close()

    def result(self, writable: bool = False, by_column: bool = False, chunk: int = 1 << 20) -> np.ndarray:
        """The blocks joined; from a file, mapped read-only, or copy-on-write when ``writable``
        (pages are read from the file when first touched, and a page written becomes this
        process's own: the file never changes). ``by_column``: the rows of a file are
        rewritten column after column (``chunk`` rows at a time), and mapped in Fortran
        order, for :func:`column`."""
        self._close()
        shape = (self.rows, *self.shape_tail)
        if self.path is None:
            return np.concatenate(self.blocks) if self.blocks else np.empty(shape, self.dtype)
        if self.rows == 0 or 0 in shape:
            return np.empty(shape, self.dtype)
        if by_column and len(shape) == 2:
            path, size = self.path + ".by-column", self.dtype.itemsize
            with open(self.path, "rb") as rows, open(path, "wb") as out:
                out.truncate(self.rows * shape[1] * size)
                for lo in range(0, self.rows, chunk):
                    block = np.fromfile(rows, self.dtype, count=min(chunk, self.rows - lo) * shape[1])
                    block = block.reshape(-1, shape[1])
                    for j in range(shape[1]):
                        os.pwrite(out.fileno(), np.ascontiguousarray(block[:, j]).data, (j * self.rows + lo) * size)
            os.remove(self.path)
            self.path = path
            return np.memmap(path, dtype=self.dtype, mode="r", shape=shape, order="F")
        return np.memmap(self.path, dtype=self.dtype, mode="c" if writable else "r", shape=shape)

    def read(self) -> np.ndarray:
        """The whole array in memory (a file is removed)."""
        if self.path is None:
            return self.result()
        self._close()
        out = np.fromfile(self.path, dtype=self.dtype).reshape(self.rows, *self.shape_tail)
        os.remove(self.path)
        return out


def column(a: np.ndarray, j: int) -> np.ndarray:
    """``a[:, j]`` as an array of its own. From a file mapped by column
    (``ArraySink.result(by_column=True)``), read from the file: the mapping's pages are
    never touched, so the columns read one after the other never all count in this
    process's memory (1.2 GB of sentence keys at a million articles).

    >>> sink = ArraySink(np.uint32, width=2, path=os.path.join(tempfile.mkdtemp(), "keys"))
    >>> sink.add(np.array([[1, 2], [3, 4], [5, 6]]))
    >>> keys = sink.result(by_column=True)
    >>> column(keys, 1).tolist(), keys[2].tolist()
    ([2, 4, 6], [5, 6])
    """
    if isinstance(a, np.memmap) and isinstance(a.filename, str) and a.ndim == 2 and a.flags.f_contiguous \
            and not a.flags.c_contiguous:
        return np.fromfile(a.filename, a.dtype, count=a.shape[0], offset=a.offset + j * a.shape[0] * a.itemsize)
    return np.ascontiguousarray(a[:, j])
