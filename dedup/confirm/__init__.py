"""The confirm stage: TF-IDF cosine, containment both ways, an order-preserving sentence
alignment and shared quotations, measured on the candidate pairs only.

>>> docs = ["Xi met Trong in Hanoi on Tuesday. They signed 36 deals. Trade grew.",
...         "On Tuesday Xi met Trong in Hanoi. The two sides signed 36 deals."]
>>> Confirmer().fit(docs).compare(0, 1).aligned
2
"""

from dedup.confirm.measures import Comparison, Passage, ShingleRun, align, lexical
from dedup.confirm.quotes import quote_terms, quotes, shared_quotes
from dedup.confirm.tfidf import Confirmer, CorpusIdf, SortedColumns
from dedup.confirm.verbatim import VerbatimMeasures, VerbatimTexts, verbatim_measures

__all__ = ["Comparison", "Confirmer", "CorpusIdf", "Passage", "ShingleRun", "SortedColumns", "align", "lexical",
           "quote_terms", "quotes", "shared_quotes", "VerbatimMeasures", "VerbatimTexts", "verbatim_measures"]
