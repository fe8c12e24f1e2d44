"""Shared fixtures: the seed corpus (scanned once per session) and a text generator."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# The slow tests (`pytest -m "not slow"` leaves them out): a real Spark session, headless
# Chromium, the fan-out stories of hundreds of articles, the quality regression on the corpora
# beside the checkout, real pre-commit hook environments. Marked here by module.
SLOW_MODULES = {"test_cli_spark.py", "test_spark_attribution.py", "test_spark_components.py", "test_spark_job.py",
                "test_spark_read.py", "test_report_html.py", "test_fanout.py", "test_quality_regression.py",
                "test_precommit.py"}


def pytest_collection_modifyitems(items) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES or item.path.parent.name == "spark":  # the Spark modules' doctests too
            item.add_marker(pytest.mark.slow)

# the five seed articles (see fixtures/): 003 is the SCMP original, 000 a digest of it
DIGEST = "000_2d6f109265a5f0ce.txt"
CREDITS_OTHER = "001_20030dd98d3f1231.txt"
INDEPENDENT = "002_233bc0087933d11f.txt"
ORIGINAL = "003_c5174620e5321eb2.txt"
WITH_ADS = "004_2dc31d0376806f98.txt"


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def fixtures_report():
    """``dedup.scan.scan`` of the seed corpus (about 0.3 s, so once per session).

    Tests must not mutate it.
    """
    from dedup.scan import scan

    return scan([str(FIXTURES)])


_SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "so", "vi", "de", "pa", "ri", "gu", "ba", "te",
              "zo", "fi", "ha", "no", "li", "me", "sa", "do", "ke", "po", "tu", "ve"]


class TextMaker:
    """Deterministic pseudo-English: random made-up words, so texts share nothing by chance."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = random.Random(seed)

    def word(self) -> str:
        return "".join(self.rng.choice(_SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def words(self, n: int) -> list[str]:
        return [self.word() for _ in range(n)]

    def sentence(self, n: int | None = None) -> str:
        ws = self.words(n or self.rng.randint(12, 18))
        return " ".join(ws).capitalize() + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def article(self, paragraphs: int = 5, sentences: int = 4) -> str:
        return "\n\n".join(self.paragraph(sentences) for _ in range(paragraphs))


@pytest.fixture
def maker() -> TextMaker:
    return TextMaker(12345)


# --- indexes: SQLite files and a real Redis server --------------------------------------

def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory):
    """A real redis-server: ``DEDUP_REDIS_URL`` if set, else one started on a free port in a
    temporary folder (and stopped at the end). Skipped when there is none, unless
    ``DEDUP_REQUIRE_REDIS=1`` (CI), where that fails.
    """
    import os
    import shutil
    import subprocess
    import time

    if os.environ.get("DEDUP_REDIS_URL"):
        yield os.environ["DEDUP_REDIS_URL"]
        return
    server = shutil.which("redis-server")
    missing = None
    try:
        import redis
    except ImportError:
        missing = "the redis package is not installed (pip install 'dedup[redis]')"
    if server is None:
        missing = "redis-server is not installed (Debian: apt-get install redis-server)"
    if missing:
        if os.environ.get("DEDUP_REQUIRE_REDIS") == "1":
            pytest.fail(f"DEDUP_REQUIRE_REDIS=1 but {missing}")
        pytest.skip(missing)
    folder = tmp_path_factory.mktemp("redis")
    port = _free_port()
    proc = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
                             "--save", "", "--appendonly", "no"], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.exceptions.ConnectionError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail(f"redis-server did not answer on port {port}")
    client.close()
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(10)


_prefixes = iter(range(1, 1 << 30))


@pytest.fixture(params=["sqlite", "redis"])
def index_location(request, tmp_path) -> str:
    """A fresh index location: an SQLite file, or a new prefix on the Redis server."""
    if request.param == "sqlite":
        return str(tmp_path / "index.db")
    url = request.getfixturevalue("redis_url")
    return f"{url}?prefix=test{next(_prefixes)}-{tmp_path.name}"


def seed_articles() -> list:
    """The five seed articles, as `dedup scan fixtures/` reads them."""
    from dedup.ingest import read_articles

    return read_articles([str(FIXTURES)])[0]


@pytest.fixture(scope="session")
def spark(tmp_path_factory):
    """One local[2] SparkSession for every Spark test (UI off, few shuffle partitions).

    Skipped when PySpark or Java is missing, unless DEDUP_REQUIRE_SPARK=1 (CI) makes that a failure.
    """
    import os
    import sys

    from dedup.spark.session import get_session, spark_available

    missing = spark_available()
    if missing:
        if os.environ.get("DEDUP_REQUIRE_SPARK") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = get_session("local[2]", "dedup-tests", {
        "spark.ui.enabled": "false", "spark.sql.shuffle.partitions": "4", "spark.default.parallelism": "4",
        "spark.driver.memory": "2g", "spark.sql.adaptive.enabled": "false",
    })
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(tmp_path_factory.mktemp("spark-checkpoints")))
    yield session
    session.stop()
