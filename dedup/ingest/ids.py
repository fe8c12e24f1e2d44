"""Article ids made unique within a run: a repeated id gets ``#2``, ``#3``... appended.

>>> seen = {}
>>> [unique_id(i, seen) for i in ["a", "a", "a#2", "b", "a"]]
['a', 'a#2', 'a#2#2', 'b', 'a#3']
"""

from __future__ import annotations

from dedup.model import Problem


def unique_id(id_: str, seen: dict[str, int]) -> str:
    """``id_``, or ``id_#N`` with the smallest N > 1 not used yet in this run; ``seen`` (the
    run's ids so far, updated) holds each id's last N."""
    if id_ not in seen:
        seen[id_] = 1
        return id_
    n = seen[id_] + 1
    while f"{id_}#{n}" in seen:
        n += 1
    seen[id_] = n
    seen[f"{id_}#{n}"] = 1
    return f"{id_}#{n}"


def renamed_id(path: str, line: int | None, id_: str, unique: str) -> Problem:
    """The warning for an article whose id ``id_`` was taken, renamed ``unique``.

    >>> print(renamed_id("feed.jsonl", 4, "a", "a#2"))
    feed.jsonl:4: duplicate id 'a' (already used in this run): renamed 'a#2'
    """
    return Problem(path, f"duplicate id {id_!r} (already used in this run): renamed {unique!r}", line, "warning")
