"""A SparkSession for dedup, with clear errors when PySpark or Java is missing.

>>> from dedup.spark.session import spark_available
>>> isinstance(spark_available(), (str, type(None)))
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyspark.sql import SparkSession


class SparkUnavailable(RuntimeError):
    """PySpark or a Java runtime is missing: the message says what to install."""


MIN_JAVA = 17


def spark_available() -> str | None:
    """None when PySpark and a Java runtime (17 or newer) are present, else what is missing."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return "PySpark is not installed: pip install 'dedup[spark]'"
    java = os.path.join(os.environ["JAVA_HOME"], "bin", "java") if os.environ.get("JAVA_HOME") else shutil.which("java")
    if not java or not os.path.exists(java):
        return (f"no Java runtime found (Spark needs Java {MIN_JAVA} or newer): install one "
                f"(Debian: apt-get install openjdk-{MIN_JAVA}-jre-headless) or set JAVA_HOME")
    version = _java_version(java)
    if version is not None and version < MIN_JAVA:
        return f"{java} is Java {version}; Spark 4 needs Java {MIN_JAVA} or newer (set JAVA_HOME to one)"
    return None


def _java_version(java: str) -> int | None:
    try:
        out = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    for token in out.replace('"', " ").split():
        head = token.split(".")[0]
        if head.isdigit() and "." in token or token.isdigit():
            major = int(head)
            if major == 1:  # 1.8.0_x is Java 8
                return int(token.split(".")[1])
            return major
    return None


def get_session(master: str | None = None, app_name: str = "dedup", conf: dict[str, str] | None = None
                ) -> SparkSession:
    """The active SparkSession, or a new one on ``master`` (default: ``local[*]``, or what
    ``spark-submit`` set). Raises :class:`SparkUnavailable` when PySpark or Java is missing.

    Workers run this interpreter (``PYSPARK_PYTHON``) unless the environment says otherwise.
    """
    missing = spark_available()
    if missing:
        raise SparkUnavailable(missing)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        return active
    builder = SparkSession.builder.appName(app_name)
    if master is not None:
        builder = builder.master(master)
    elif "PYSPARK_GATEWAY_PORT" not in os.environ and "spark.master" not in (conf or {}):  # not under spark-submit
        builder = builder.master(os.environ.get("DEDUP_SPARK_MASTER", "local[*]"))
    settings = {"spark.sql.execution.arrow.pyspark.enabled": "true", "spark.ui.showConsoleProgress": "false"}
    settings.update(conf or {})
    for key, value in settings.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()
