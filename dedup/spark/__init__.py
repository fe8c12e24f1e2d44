"""dedup's batch scan as an Apache Spark job (the optional extra ``dedup[spark]``)."""
