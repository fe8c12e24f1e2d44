"""Direct quotations, and those two texts share.

>>> a = 'He said "we will build the new bridge next year" on Monday.'
>>> b = 'Mayor Ng: "We will build the new bridge next year."'
>>> [(a[x:y], b[u:v]) for (x, y), (u, v) in shared_quotes(a, b)]
[('we will build the new bridge next year', 'We will build the new bridge next year.')]
"""

from __future__ import annotations

from dedup.clean.layout import quotations
from dedup.params import DEFAULT, Params
from dedup.sketch.tokens import terms, words

Quotes = list[tuple[tuple[int, int], set[str]]]  # quotation spans with their content terms


def quotes(body: str, params: Params = DEFAULT) -> list[tuple[int, int]]:
    """Spans of direct quotations (straight double quotes, ``quote_min_words`` words at least)."""
    return quotations(body, params.quote_min_words) if '"' in body else []


def quote_terms(body: str, params: Params = DEFAULT) -> Quotes:
    """Each quotation's span with its content terms (those with ``quote_min_terms`` at least)."""
    out = []
    for span in quotes(body, params):
        t = set(terms(words(body[span[0]:span[1]]), params.stem))
        if len(t) >= params.quote_min_terms:
            out.append((span, t))
    return out


def shared_quotes(a: str | Quotes, b: str | Quotes,
                  params: Params = DEFAULT) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Pairs of quotations, one in each text, that share most of their words (``quote_share``
    of the shorter one's terms).

    ``a`` and ``b`` are texts, or their :func:`quote_terms`.
    """
    min_share = params.quote_share
    qa = quote_terms(a, params) if isinstance(a, str) else a
    qb = quote_terms(b, params) if isinstance(b, str) else b
    out = []
    for span_a, wa in qa:
        for span_b, wb in qb:
            if len(wa & wb) / min(len(wa), len(wb)) >= min_share:
                out.append((span_a, span_b))
                break
    return out
