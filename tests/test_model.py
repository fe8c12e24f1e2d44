"""Tests for dedup.model: the records, their order and their JSON form."""

from __future__ import annotations

import datetime as dt
import json
import pickle

import pytest

from dedup.model import Article, ClaimCheck, Evidence, Pair, Quote, Relation, Report, Scores, Story


def test_relation_is_ordered_and_a_string():
    assert sorted(Relation) == [Relation.RELATED, Relation.DERIVED, Relation.PARTIAL, Relation.COPY,
                                Relation.DUPLICATE]
    assert Relation.COPY >= "partial" and Relation("copy") == "copy" and f"{Relation.COPY}" == "copy"
    assert json.dumps({"r": Relation.COPY}) == '{"r": "copy"}' and {"copy": 1}[Relation.COPY] == 1
    assert [r.derives for r in Relation] == [True, True, True, True, False]
    with pytest.raises(ValueError, match="not a relation"):
        Relation.COPY < "unrelated"  # noqa: B015


def test_pair_round_trips_through_json_and_pickle():
    p = Pair("a", "b", Relation.PARTIAL, None, ("an excerpt of it",), (), Scores(cosine=0.31, longest_passage_words=44),
             (Evidence("verbatim", 1.0, "same words", "same words", (3, 13), (40, 50)),),
             (Quote("we will", "we will", (0, 7), (9, 16)),))
    d = json.loads(json.dumps(p.to_dict()))
    assert list(d) == ["a", "b", "relation", "source", "reasons", "against", "scores", "evidence", "quotes"]
    assert d["evidence"][0]["a_span"] == [3, 13] and d["scores"]["longest_passage_words"] == 44
    assert Pair.from_dict(d) == p == pickle.loads(pickle.dumps(p))
    assert p.derived is None and Pair("a", "b", Relation.COPY, "a").derived == "b" and p.other("a") == "b"


def test_article_published_is_an_aware_datetime():
    a = Article(id="a", text="", published="2023-12-11")
    assert a.published == dt.datetime(2023, 12, 11, tzinfo=dt.timezone.utc)
    a.published = dt.datetime(2023, 12, 11, 9, 30)  # naive: UTC
    assert a.published.tzinfo is dt.timezone.utc
    a.published = dt.date(2024, 1, 2)
    assert a.published.isoformat() == "2024-01-02T00:00:00+00:00"
    with pytest.raises(ValueError, match="day 31 is out of range for February 2023"):
        Article(id="b", text="", published="Feb 31, 2023")
    with pytest.raises(TypeError, match="'published' field of Article must be"):
        Article(id="c", text="", published=20231211)  # type: ignore[arg-type]


def test_report_json_contract():
    a = Article(id="a", text="x", body="one two", published="2023-12-11T10:00:00+07:00")
    r = Report([a], [Pair("a", "b", Relation.RELATED)], [Story("a", ("a", "c"))],
               {"a": [ClaimCheck("AP", "not_in_corpus", (), "no article from AP in the corpus")]})
    d = r.to_dict()
    assert list(d) == ["generated_by", "articles", "pairs", "clusters", "problems", "stats"]
    assert d["articles"][0]["published"] == "2023-12-11T10:00:00+07:00" and d["articles"][0]["words"] == 2
    assert d["articles"][0]["attribution_check"] == [{"claim": "AP", "status": "not_in_corpus", "articles": [],
                                                      "note": "no article from AP in the corpus"}]
    assert d["clusters"] == [{"root": "a", "members": ["a", "c"], "related": []}]
    r.word_counts = {"a": 7}  # articles without bodies (a Spark job's report)
    assert r.to_dict()["articles"][0]["words"] == 7


def test_a_pair_pickles_to_an_equal_pair_of_the_same_records():
    p = Pair("a", "b", Relation.PARTIAL, "a", ("credits a",), ("later",), Scores(cosine=0.8, aligned_sentences=3),
             (Evidence("verbatim", 1.0, "Xi met Trong.", "Xi met Trong.", (0, 13), (4, 17)),
              Evidence("paraphrase", 0.71, "He said no.", "He declined.", (14, 25), (18, 30))),
             (Quote("“no”", "“no”", (30, 34), (40, 44)),))
    back = pickle.loads(pickle.dumps(p))
    assert back == p and back.to_dict() == p.to_dict()
    assert [type(e) for e in back.evidence] == [Evidence, Evidence] and type(back.quotes[0]) is Quote
    assert type(back.scores) is Scores and back.scores.aligned_sentences == 3
    assert pickle.loads(pickle.dumps(Pair("a", "b", Relation.RELATED))) == Pair("a", "b", Relation.RELATED)
