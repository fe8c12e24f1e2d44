"""dedup: which news articles are the same story, who copied whom, and the evidence.

>>> from dedup import Article, scan_articles
>>> text = "The council approved the new budget on Monday after a long debate. " * 3
>>> report = scan_articles([Article(id="a", text=text), Article(id="b", text=text)])
>>> report.pairs[0].relation
<Relation.DUPLICATE: 'duplicate'>
"""

from dedup.model import (Article, ClaimCheck, Evidence, Pair, Params, Problem, Quote, Relation, Report, Scores,
                         Story)
from dedup.report.deduplicated import deduplicate
from dedup.scan import scan, scan_articles

__version__ = "0.1.0"
__all__ = ["Article", "ClaimCheck", "Evidence", "Pair", "Params", "Problem", "Quote", "Relation", "Report", "Scores",
           "Story", "deduplicate", "scan", "scan_articles", "__version__"]
