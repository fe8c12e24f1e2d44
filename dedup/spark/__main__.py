"""``spark-submit`` entry point: ``spark-submit [options] .../dedup/spark/__main__.py PATH... -o OUTPUT``
runs ``dedup scan --engine spark PATH... -o OUTPUT`` in the driver that spark-submit starts
(its master and settings come from spark-submit). ``python -m dedup.spark`` does the same."""

import sys

from dedup.cli import main

if __name__ == "__main__":
    sys.exit(main(["scan", "--engine", "spark", *sys.argv[1:]]))
