"""Doctest collection: the Spark modules need PySpark (the optional extra ``dedup[spark]``)
and a Java runtime; without them their doctests are not collected (tests/conftest.py skips,
or in CI fails, the Spark tests)."""

import importlib.util
import os
import shutil


def _spark_ready() -> bool:
    if importlib.util.find_spec("pyspark") is None:
        return False
    java_home = os.environ.get("JAVA_HOME")
    return os.path.exists(os.path.join(java_home, "bin", "java")) if java_home else shutil.which("java") is not None


collect_ignore_glob = [] if _spark_ready() else ["dedup/spark/*"]
