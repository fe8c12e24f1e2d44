"""Tests for dedup.index: the library API, on a real SQLite file and a real Redis server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading

import pytest
from conftest import DIGEST, ORIGINAL, TextMaker, seed_articles

from dedup import Article, scan_articles
from dedup.index import Index
from dedup.sketch import featurize


def _key(p: dict) -> tuple:
    return p.a, p.b, p.relation, p.source


def _articles(n: int, seed: int = 7, copies: int = 2) -> list[Article]:
    """``n`` unrelated made-up articles, then copies of the first ``copies`` (a line added)."""
    maker = TextMaker(seed)
    out = [Article(id=f"a{i:03d}.txt", text=maker.article(paragraphs=3)) for i in range(n)]
    out += [Article(id=f"copy{i}.txt", text=out[i].text + "\n\nShared by a reader.") for i in range(copies)]
    return out


def test_split_features_equal_one_article_at_a_time():
    bodies = [a.text for a in _articles(5)] + ["Le président a visité Hanoï. 习近平访问越南。 " * 3]
    for body, part in zip(bodies, featurize(bodies).split()):
        one = featurize([body])
        assert (part.doc_keys == one.doc_keys).all() and (part.anchors == one.anchors).all()
        assert (part.sentence_keys == one.sentence_keys).all() and (part.terms != one.terms).nnz == 0
        assert part.digest[0] == one.digest[0] and part.words[0] == one.words[0]


def test_seeds_one_by_one_equal_a_scan(index_location):
    seeds = seed_articles()
    batch = scan_articles(seed_articles(), workers=1)
    with Index.open(index_location) as index:
        found = {}
        for a in seeds:
            found[a.id] = index.add(a)
        report = index.report(workers=1)
        assert len(index) == 5 and ORIGINAL in index and "nope" not in index
    assert report.pairs == batch.pairs  # whole dicts: scores, evidence, sources, reasons
    assert report.stories == batch.stories and report.attribution == batch.attribution
    assert [a.removed for a in report.articles] == [a.removed for a in batch.articles]
    # the last article's matches, as they were when it was added, are the scan's pairs with it
    last = seeds[-1].id
    assert found[last] == [p for p in batch.pairs if last in (p.a, p.b)]
    assert any(m.relation == "derived" and m.source == ORIGINAL for m in found[DIGEST] + found[ORIGINAL])


def test_match_is_a_json_report_pair(index_location):
    arts = _articles(3, copies=1)
    with Index.open(index_location) as index:
        for a in arts[:3]:
            assert index.add(a) == []
        (m,) = index.add(arts[3])
    assert (m.a, m.b) == ("a000.txt", "copy0.txt") and m.relation in ("copy", "duplicate")
    assert set(m.to_dict()) == {"a", "b", "relation", "source", "reasons", "against", "scores", "evidence", "quotes"}
    assert m.evidence and m.scores.containment_ab > 0.9


def test_check_stores_nothing_and_equals_add(index_location):
    arts = _articles(4, copies=1)
    with Index.open(index_location) as index:
        index.add_many(arts[:4])
        checked = index.check(arts[4])
        assert len(index) == 4 and arts[4].id not in index
        assert checked == index.add(arts[4])
        # a stored article of the same id is an earlier version of it: left out, the rest compared
        assert [(m.a, m.b) for m in index.check(arts[0])] == [("copy0.txt", "a000.txt")]


def test_add_many_sees_its_own_batch(index_location):
    arts = _articles(6, copies=2)
    with Index.open(index_location) as index:
        found = index.add_many(arts, batch=3)
    assert list(found) == [a.id for a in arts]
    assert [m.a for m in found["copy0.txt"]] == ["a000.txt"]
    assert [m.a for m in found["copy1.txt"]] == ["a001.txt"]
    assert not any(found[a.id] for a in arts[:6])


def test_existing_ids(index_location):
    arts = _articles(2, copies=0)
    with Index.open(index_location) as index:
        index.add(arts[0])
        with pytest.raises(ValueError, match="already in the index"):
            index.add(Article(id=arts[0].id, text="other words entirely"))
        assert index.add(Article(id=arts[0].id, text=arts[1].text), existing="skip") == []
        index.add(Article(id=arts[0].id, text=arts[1].text), existing="replace")
        assert len(index) == 1
        assert [a.text for a in index.articles()] == [arts[1].text]
        with pytest.raises(ValueError, match="The 'existing' parameter"):
            index.add(arts[1], existing="maybe")


def test_remove_and_evict_keep_report_equal_to_scan(index_location):
    arts = _articles(5, copies=2)
    for k, a in enumerate(arts):
        a.published = f"2024-01-{k + 1:02d}"
    with Index.open(index_location) as index:
        index.add_many(arts)
        assert index.remove("a001.txt") and not index.remove("a001.txt")
        assert index.evict("2024-01-03") == 1  # a000 (a001 is gone already)
        assert index.evict(dt.timedelta(days=1), by="ingested") == 0
        left = [a.id for a in index.articles()]
        report = index.report(workers=1)
        with pytest.raises(ValueError, match="'by' parameter"):
            index.evict("2024-01-01", by="moon")
        stats = index.stats()
        assert index.evict(dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=5), by="ingested") == len(left)
        assert len(index) == 0 and index.report().pairs == []
    assert left == ["a002.txt", "a003.txt", "a004.txt", "copy0.txt", "copy1.txt"]
    batch = scan_articles([Article(id=a.id, text=a.text, published=a.published) for a in arts if a.id in left],
                          workers=1)
    assert report.pairs == batch.pairs
    assert stats["articles"] == 5 and stats["published_min"] == "2024-01-03"
    assert stats["postings_doc"] == 5 * 37 and stats["params"]["doc_bands_rows"] == [37, 3]


def test_repeated_lines_removed_in_the_report_as_in_a_scan(index_location):
    """A footer in many unrelated articles is boilerplate for the scan: the index's report
    drops it too (sketching those articles again), and equals the scan."""
    maker = TextMaker(3)
    footer = "Follow the latest local stories every morning with the Daily Example newsletter team"
    arts = [Article(id=f"s{i}", text=maker.article(paragraphs=2) + "\n" + footer) for i in range(8)]
    arts.append(Article(id="copy", text=arts[0].text))
    batch = scan_articles([Article(id=a.id, text=a.text) for a in arts], workers=1)
    assert any(r.startswith("repeated:") for a in batch.articles for r in a.removed)
    with Index.open(index_location) as index:
        for a in arts:
            index.add(a)
        report = index.report(workers=1)
    assert report.pairs == batch.pairs
    assert [a.removed for a in report.articles] == [a.removed for a in batch.articles]


def test_threads_add_at_once(index_location):
    arts = _articles(16, seed=11, copies=4)
    with Index.open(index_location) as index:
        errors = []

        def work(part):
            try:
                for a in part:
                    index.add(a)
            except Exception as e:  # reported below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(arts[k::4],)) for k in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        order = [a.id for a in index.articles()]
        report = index.report(workers=1)
    assert sorted(order) == sorted(a.id for a in arts)
    by_id = {a.id: a for a in arts}
    batch = scan_articles([Article(id=i, text=by_id[i].text) for i in order], workers=1)
    assert report.pairs == batch.pairs and len(batch.pairs) >= 4


def test_bad_article_is_named_and_loses_nothing(index_location):
    arts = _articles(2, copies=0)
    with Index.open(index_location) as index:
        index.add(arts[0])
        bad = Article(id="row", text=None, path="feed.jsonl", line=7)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match=r"^feed\.jsonl:7: the text of article 'row' must be a string"):
            index.add_many([arts[1], bad])
        with pytest.raises(ValueError, match="non-empty string id"):
            index.check(Article(id="", text="x"))
        with pytest.raises(TypeError, match="expected a dedup.Article"):
            index.add("just a string")  # type: ignore[arg-type]
        assert [a.id for a in index.articles()] == [arts[0].id]


def test_empty_and_tiny_articles(index_location):
    arts = [Article(id="empty", text=""), Article(id="tiny", text="Yes."), Article(id="t2", text="Yes.")]
    batch = scan_articles([Article(id=a.id, text=a.text) for a in arts], workers=1)
    with Index.open(index_location) as index:
        assert index.add(arts[0]) == [] and index.add(arts[1]) == []
        story_free = lambda ps: [dataclasses.replace(p, source=None, reasons=()) for p in ps]  # noqa: E731
        # (a scan then names the story's root as the source: the index's report does)
        assert story_free(index.check(arts[2])) == story_free([p for p in batch.pairs if "t2" in (p.a, p.b)])
        assert index.report().articles[0].id == "empty"


def _elsewhere(location: str) -> str:
    """Another fresh index location beside ``location`` (a longer Redis prefix, another file)."""
    return location + "-2" if location.startswith("redis") else location + ".2.db"


def test_without_texts_the_matches_are_the_same(index_location):
    """``keep_text=False``: the index keeps the cleaned bodies but not the texts as read. Adds,
    checks and the report find the same pairs, relations, sources and scores, and the new
    article's evidence is the same; the stored articles read back with their body as their
    text, so evidence offsets in them point into their bodies."""
    seeds = seed_articles()
    same = lambda ps: [(p.a, p.b, p.relation, p.source, p.reasons, p.against, p.scores) for p in ps]  # noqa: E731
    new_side = lambda ps: [[(e.kind, e.similarity, e.a, e.b, e.b_span) for e in p.evidence]  # noqa: E731
                           + [(q.a, q.b, q.b_span) for q in p.quotes] for p in ps]
    with Index.open(index_location) as kept, Index.open(_elsewhere(index_location), keep_text=False) as bare:
        for a in seeds[:-1]:
            assert same(kept.add(a)) == same(bare.add(a))
        probe = seeds[-1]
        found, found_bare = kept.check(probe), bare.check(probe)
        assert found and same(found) == same(found_bare) and new_side(found) == new_side(found_bare)
        assert same(kept.add(probe)) == same(bare.add(probe))
        report, report_bare = kept.report(workers=1), bare.report(workers=1)
        assert report.pairs and same(report.pairs) == same(report_bare.pairs)
        assert [a.removed for a in report.articles] == [a.removed for a in report_bare.articles]
        assert [a.text for a in kept.articles()] == [a.text for a in seeds]
        assert [a.text for a in bare.articles()] == [a.body for a in kept.articles()] != [a.text for a in seeds]
        bodies = {a.id: a.body for a in bare.articles()}
        evidence = [(p.a, e) for p in report_bare.pairs for e in p.evidence]
        assert evidence and all(bodies[a][slice(*e.a_span)] == e.a for a, e in evidence)  # offsets into the bodies
        assert kept.stats()["keep_text"] and not bare.stats()["keep_text"]
    with Index.open(_elsewhere(index_location), keep_text=True) as again:  # an index keeps its own choice
        assert not again.keep_text
