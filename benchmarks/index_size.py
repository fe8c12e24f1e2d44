"""Index size and fill rate: SQLite bytes and Redis memory per article, and articles added per second.

Builds an SQLite index and a Redis index (a ``redis-server`` started here on a free port,
without persistence) of the first N articles read from a corpus path (any path
``dedup scan`` reads: a folder, a JSONL file...), each with ``Index.add_many`` (its default
batch of 500), and prints:

* SQLite: the file's size once the index is closed (its WAL folded in and removed; not
  VACUUMed), per article; the same after ``VACUUM``; and where the bytes go (SQLite's
  ``dbstat`` table: pages per table and index, when compiled in);
* Redis: ``used_memory`` after the adds less before, per article, and ``MEMORY USAGE``
  summed per kind of key;
* the add rate: articles per second of ``add_many``, with matches (as ``dedup index add``
  does) and without (``matches=False``, bulk loading); per second of wall time, and per
  second of CPU time (this process's, plus the Redis server's: less sensitive to other
  jobs sharing the machine).

Run it with the checkout to measure first on the path (``PYTHONPATH=CHECKOUT``; the
first line printed says which dedup ran). ``--keep-text both``
measures both settings of ``keep_text`` where the code has it. Timings depend on what
else the machine runs: compare runs made back to back.

    PYTHONPATH=. python benchmarks/index_size.py CORPUS [--n 2000] [--stores sqlite redis] [--matches both|on|off] [--keep-text both|on|off]
"""

from __future__ import annotations

import argparse
import collections
import inspect
import os
import socket
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path

from dedup.index import Index
from dedup.ingest import read_articles


def _open(location: str, keep_text: bool | None) -> Index:
    if keep_text is None:
        return Index.open(location)
    return Index.open(location, keep_text=keep_text)


def _fill(location: str, articles: list, matches: bool, keep_text: bool | None) -> tuple[float, float]:
    """Wall and CPU seconds (this process's) ``add_many`` took to add ``articles`` to a new index at ``location``."""
    with _open(location, keep_text) as index:
        t0, c0 = time.perf_counter(), time.process_time()
        index.add_many(articles, matches=matches)
        return time.perf_counter() - t0, time.process_time() - c0


def _rate(n: int, wall: float, cpu: float) -> str:
    return f"{n / wall:,.1f} articles/s ({wall:.1f} s); {n / cpu:,.1f} per CPU second ({cpu:.1f} s)"


def sqlite_sizes(path: str, n: int) -> dict[str, float]:
    """Bytes per article of the closed file, after VACUUM, and per table or index (dbstat)."""
    out = {"file": os.path.getsize(path) / n}
    with sqlite3.connect(path) as c:
        try:
            c.execute("CREATE VIRTUAL TABLE temp.stat USING dbstat")
            out.update({f"  {name}": size / n for name, size in
                        c.execute("SELECT name, SUM(pgsize) FROM temp.stat GROUP BY name ORDER BY 2 DESC")})
        except sqlite3.OperationalError:  # dbstat not compiled in
            pass
        c.execute("VACUUM")
    c.close()
    out["after VACUUM"] = os.path.getsize(path) / n
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_run(articles: list, matches: bool, keep_text: bool | None) -> tuple[float, float, dict[str, float]]:
    """Wall and CPU seconds (this process's and the server's) to fill a Redis index, and its
    memory per article (in all, and per kind of key)."""
    import redis

    port, folder = _free_port(), tempfile.mkdtemp()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", folder], stdout=subprocess.DEVNULL)
    try:
        r = redis.Redis(port=port)
        for _ in range(100):
            try:
                r.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        before, cpu_before = r.info("memory")["used_memory"], _server_cpu(r)
        secs, cpu = _fill(f"redis://127.0.0.1:{port}/0?prefix=bench", articles, matches, keep_text)
        cpu += _server_cpu(r) - cpu_before
        n = len(articles)
        out = {"used_memory": (r.info("memory")["used_memory"] - before) / n, "keys": r.dbsize() / n}
        kinds: collections.Counter = collections.Counter()
        for key in r.scan_iter(count=10_000):
            parts = key.split(b":")
            kind = b":".join(parts[1:3] if parts[1] in (b"p", b"b", b"o") else parts[1:2]).decode(errors="replace")
            kinds[kind] += r.memory_usage(key, samples=0) or 0
        out.update({f"  {kind}": size / n for kind, size in kinds.most_common()})
        r.close()
        return secs, cpu, out
    finally:
        server.terminate()
        server.wait()


def _server_cpu(r) -> float:
    cpu = r.info("cpu")
    return float(cpu["used_cpu_user"]) + float(cpu["used_cpu_sys"])


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--stores", nargs="+", default=["sqlite", "redis"], choices=["sqlite", "redis"])
    ap.add_argument("--matches", default="both", choices=["both", "on", "off"])
    ap.add_argument("--keep-text", default="on", choices=["both", "on", "off"])
    args = ap.parse_args(argv)
    articles, _ = read_articles([args.corpus])
    articles = articles[: args.n]
    n = len(articles)
    has_keep_text = "keep_text" in inspect.signature(Index.open).parameters
    settings: list[bool | None] = [None]
    if has_keep_text:
        settings = {"both": [True, False], "on": [True], "off": [False]}[args.keep_text]
    matches = {"both": [False, True], "on": [True], "off": [False]}[args.matches]
    print(f"{n} articles from {args.corpus} (mean {sum(len(a.text) for a in articles) / max(n, 1):,.0f} characters); "
          f"dedup from {Path(inspect.getfile(Index)).parent.parent.parent}; load average {os.getloadavg()[0]:.2f}")
    for keep in settings:
        label = "" if keep is None else f", keep_text={keep}"
        for m in matches:
            if "sqlite" in args.stores:
                with tempfile.TemporaryDirectory() as tmp:
                    path = os.path.join(tmp, "index.db")
                    print(f"sqlite, matches={m}{label}: {_rate(n, *_fill(path, articles, m, keep))}")
                    if not m:  # (the same records either way)
                        for name, value in sqlite_sizes(path, n).items():
                            print(f"  {name}: {value:,.0f} bytes/article")
            if "redis" in args.stores:
                secs, cpu, sizes = redis_run(articles, m, keep)
                print(f"redis, matches={m}{label}: {_rate(n, secs, cpu)} (client and server)")
                if not m:
                    for name, value in sizes.items():
                        print(f"  {name}: {value:,.1f} {'keys' if name == 'keys' else 'bytes'}/article")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
