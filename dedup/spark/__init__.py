"""dedup's batch scan as an Apache Spark job (the optional extra ``dedup[spark]``).

``scan_spark(paths, master=...)`` reads JSONL, Parquet and the local formats from any path
Spark can read and returns a :class:`dedup.spark.job.SparkScan`: DataFrames of pairs,
stories and articles, ``.report()`` to collect the JSON-contract report, ``.write_parquet()``
for outputs too big for one machine. PySpark is imported only when called.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

    from dedup.spark.job import SparkScan


def scan_spark(paths: Iterable[str], master: str | None = None, spark: SparkSession | None = None,
               conf: dict[str, str] | None = None) -> SparkScan:
    """Scan the articles under ``paths`` with Spark (a session on ``master`` with the settings
    ``conf``, or ``spark``).

    Raises :class:`dedup.spark.session.SparkUnavailable` when PySpark or Java is missing.
    """
    from dedup.spark.session import get_session

    spark = spark if spark is not None else get_session(master, conf=conf)  # first: it tells what is missing
    from dedup.spark.job import scan_frame
    from dedup.spark.read import read_articles_spark

    articles, problems = read_articles_spark(spark, list(paths))
    return scan_frame(articles, problems)
