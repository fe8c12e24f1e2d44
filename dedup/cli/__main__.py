"""``python -m dedup.cli``: the ``dedup`` command."""

import sys

from dedup.cli import main

sys.exit(main())
