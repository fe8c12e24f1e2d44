"""Doctest collection: the Spark modules need PySpark (the optional extra ``dedup[spark]``)."""

import importlib.util

collect_ignore_glob = [] if importlib.util.find_spec("pyspark") else ["dedup/spark/*"]
