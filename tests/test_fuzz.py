"""Property-based fuzzing (issue 18): the readers, the cleaner and the sketch stage on arbitrary
bytes and text never raise (a file they cannot read becomes a Problem) and return in bounded time."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from dedup.clean import clean, text_span
from dedup.ingest import parse_bytes
from dedup.model import Article, Problem
from dedup.sketch import Sketch, featurize, sentences, words_and_spans

EXTENSIONS = [".txt", ".md", ".html", ".json", ".jsonl", ".csv"]
BOUND = 2.0  # seconds for one example (inputs stay under ~20,000 characters)
# text of every kind: any code point but surrogates (control characters and marks included),
# and long runs of one character (digits, spaces, quote marks, dots, brackets)
ANY_TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=300)
RUN = st.builds(lambda c, n, tail: c * n + tail, st.sampled_from(list("7 \"'.(-,\u201c\n\t\u0301x")),
                st.integers(1, 20_000), st.text(max_size=5))
TEXT = st.one_of(ANY_TEXT, RUN, st.lists(st.one_of(ANY_TEXT, RUN), max_size=4).map("".join))
# the line structure of the supported formats, filled with arbitrary text
SHAPED = st.one_of(
    st.builds(lambda t: f'{{"id": "a", "text": {t!r}}}\n'.replace("'", '"'), ANY_TEXT),
    st.builds(lambda t: f"id,text\n1,{t}\n", ANY_TEXT),
    st.builds(lambda t: f"<html><body><article><p>{t}</p></article></body></html>", ANY_TEXT),
)
# fuzzing with long inputs: generating them is slow, by design
SLOW_OK = settings(deadline=None, max_examples=60, suppress_health_check=[HealthCheck.too_slow,
                                                                          HealthCheck.data_too_large])


def bounded(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    assert time.perf_counter() - t0 < BOUND, fn
    return out


def read(data: bytes, ext: str) -> tuple[list[Article], list[Problem]]:
    problems: list[Problem] = []
    articles = bounded(lambda: list(parse_bytes(data, f"f{ext}", f"f{ext}", problems)))
    assert all(isinstance(p, Problem) for p in problems)
    return articles, problems


@pytest.mark.parametrize("ext", EXTENSIONS)
@SLOW_OK
@given(data=st.binary(max_size=2000))
def test_readers_on_bytes(ext, data):
    read(data, ext)


@pytest.mark.parametrize("ext", EXTENSIONS)
@SLOW_OK
@given(text=st.one_of(TEXT, SHAPED))
def test_readers_on_text(ext, text):
    articles, _ = read(text.encode("utf-8"), ext)
    for a in articles:
        check_article(a)


def check_article(article: Article) -> None:
    a = bounded(clean, article)
    body = a.body or ""
    assert len(a.line_origins) == (body.count("\n") + 1 if body else 0)
    words, spans = bounded(words_and_spans, body)
    assert len(words) == len(spans)
    if len(spans):
        s, e = bounded(text_span, a, (int(spans[0][0]), int(spans[-1][1])))
        assert 0 <= s <= e <= len(a.text)
    assert all(0 <= s <= e <= len(body) for s, e in bounded(sentences, body))
    sk = bounded(Sketch, body)
    assert sk.n_words == len(words)


@SLOW_OK
@given(text=TEXT)
def test_clean_and_sketch(text):
    check_article(Article(id="x", text=text))


@settings(deadline=None, max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(bodies=st.lists(TEXT, min_size=1, max_size=4))
def test_featurize_batch(bodies):
    f = bounded(featurize, [clean(Article(id=str(k), text=t)).body or "" for k, t in enumerate(bodies)])
    assert f.n == len(bodies)
