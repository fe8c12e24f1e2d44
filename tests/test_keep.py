"""Tests for dedup.relation.keep: which article each cluster keeps, and what it replaces."""

from __future__ import annotations

import pytest

from dedup.model import Article, Pair, Relation, Report
from dedup.relation.keep import DROP, drop_relations, kept, summary


def corpus(*specs, pairs=()) -> Report:
    """Articles from (id, published, text) triples, with ``pairs``."""
    return Report([Article(id=i, text=text, published=date) for i, date, text in specs], list(pairs), [], {})


def test_the_chosen_source_is_kept_whatever_the_dates_and_lengths():
    report = corpus(("a", "2024-01-01", "long " * 50), ("b", "2024-02-01", "short"), ("c", None, "short"),
                    pairs=[Pair("a", "b", Relation.COPY, source="b"), Pair("b", "c", Relation.DUPLICATE)])
    assert kept(report) == {"b": ["a", "c"]}


def test_several_sources_fall_back_to_the_earliest_of_them():
    # x and y are each the source of one pair: ambiguous; z derives from x, so it is never chosen
    report = corpus(("z", "2023-01-01", "t"), ("x", "2024-03-01", "t"), ("y", "2024-02-01", "t"),
                    pairs=[Pair("z", "x", Relation.COPY, source="x"), Pair("z", "y", Relation.COPY, source="y")])
    assert kept(report) == {"y": ["z", "x"]}


def test_no_source_keeps_the_earliest_then_the_longest_then_the_first():
    pairs = [Pair("a", "b", Relation.DUPLICATE), Pair("b", "c", Relation.DUPLICATE)]
    dated = corpus(("a", None, "t"), ("b", "2024-05-02", "t"), ("c", "2024-05-01", "t"), pairs=pairs)
    assert kept(dated) == {"c": ["a", "b"]}  # an article with a date comes before one without
    undated = corpus(("a", None, "short"), ("b", None, "the longest text"), ("c", None, "longer"), pairs=pairs)
    assert kept(undated) == {"b": ["a", "c"]}
    tied = corpus(("a", None, "same"), ("b", None, "same"), ("c", None, "same"), pairs=pairs)
    assert kept(tied) == {"a": ["b", "c"]}


def test_length_is_the_cleaned_text_when_there_is_one():
    report = corpus(("a", None, "story"), ("b", None, "story\nShare this\nFollow us"),
                    pairs=[Pair("a", "b", Relation.DUPLICATE)])
    report.articles[0].body, report.articles[1].body = "story text", "story"
    assert kept(report) == {"a": ["b"]}


def test_unrelated_and_weaker_pairs_are_kept_untouched():
    report = corpus(("a", None, "t"), ("b", None, "t"), ("c", None, "t"), ("d", None, "t"), ("e", None, "t"),
                    pairs=[Pair("a", "b", Relation.COPY, source="a"), Pair("a", "c", Relation.PARTIAL, source="a"),
                           Pair("c", "d", Relation.RELATED)])
    assert kept(report) == {"a": ["b"], "c": [], "d": [], "e": []}
    assert kept(report, DROP | {Relation.PARTIAL}) == {"a": ["b", "c"], "d": [], "e": []}
    assert kept(report, ["related"]) == {"a": [], "b": [], "c": ["d"], "e": []}


def test_clusters_are_connected_groups():
    ids = [f"n{k}" for k in range(8)]
    chain = [Pair(ids[k], ids[k + 1], Relation.COPY) for k in (0, 1, 2)] + [Pair("n5", "n6", Relation.DUPLICATE)]
    report = corpus(*[(i, None, "t") for i in ids], pairs=chain)
    keep = kept(report)
    assert keep == {"n0": ["n1", "n2", "n3"], "n4": [], "n5": ["n6"], "n7": []}
    assert summary(len(ids), keep) == "8 articles in, 4 kept, 4 dropped in 2 clusters"
    assert summary(1, {"a": []}) == "1 article in, 1 kept, 0 dropped in 0 clusters"


def test_no_pairs_keeps_everything():
    assert kept(corpus(("a", None, "t"), ("b", None, "t"))) == {"a": [], "b": []}


def test_drop_relations_parses_names():
    assert drop_relations("duplicate,copy") == DROP
    assert drop_relations("PARTIAL, derived,") == {Relation.PARTIAL, Relation.DERIVED}
    for bad in ("", " , ", "copy,copies"):
        with pytest.raises(ValueError, match="one of duplicate, copy, partial, derived, related"):
            drop_relations(bad)
