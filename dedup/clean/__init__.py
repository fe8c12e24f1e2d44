"""The clean stage: normalisation, metadata lines and boilerplate removal, per article
(:func:`clean`) and per corpus (:func:`drop_repeated_lines`); what was removed is kept,
and offsets in a body map back to the text as read (:class:`TextSpans`).

>>> from dedup.model import Article
>>> clean(Article(id="x", text="Leave a Reply\\nThe minister said \\u201cyes\\u201d.")).body
'The minister said "yes".'
"""

from dedup.clean.repeated import clean_corpus, drop_lines, drop_repeated_lines, line_hashes, line_table
from dedup.clean.rules import clean
from dedup.clean.spans import TextSpans, text_span

__all__ = ["TextSpans", "clean", "clean_corpus", "drop_lines", "drop_repeated_lines", "line_hashes", "line_table", "text_span"]
