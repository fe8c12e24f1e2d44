"""dedup.spark.attribution: the same checks as dedup.relation.check_attribution, on Spark."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path

import pytest

from dedup.clean.metadata import outlet_lookup_keys, same_outlet
from dedup.model import Article, ClaimCheck, Pair, Relation
from dedup.params import Params
from dedup.relation import check_attribution

CLAIM_NAMES = Params().claim_names

pytest.importorskip("pyspark")

from dedup.spark.attribution import attribution_checks  # noqa: E402

CLOUGH = Path("/work/shared/benchmarks/clough-stevenson/texts")


def spark_checks(spark, articles: list[Article], pairs: list[Pair]) -> dict[str, list[ClaimCheck]]:
    """``attribution_checks`` of local articles and pairs, as ``check_attribution`` gives it."""
    idx = {a.id: k for k, a in enumerate(articles)}
    frame = spark.createDataFrame([(k, a.id, a.publisher, list(a.attribution)) for k, a in enumerate(articles)],
                                  "idx long, id string, publisher string, attribution array<string>")
    links = spark.createDataFrame([(idx[p.a], idx[p.b], p.relation.value) for p in pairs],
                                  "i long, j long, relation string")
    rows = attribution_checks(frame, links).collect()
    assert len(rows) == len({r.id for r in rows})  # one row an article
    return {r.id: [ClaimCheck.from_dict(c) for c in json.loads(r.checks)] for r in rows}


def test_seed_fixtures(spark, fixtures_report):
    got = spark_checks(spark, fixtures_report.articles, fixtures_report.pairs)
    assert got == fixtures_report.attribution
    assert {c.status for checks in got.values() for c in checks} == {"self", "unmatched"}


def art(id: str, publisher: str | None = None, *claims: str) -> Article:
    return Article(id=id, text="", publisher=publisher, attribution=list(claims))


def test_every_status(spark):
    reuters = [art(f"r{k}", "Reuters" if k % 3 else "reuters.com") for k in range(CLAIM_NAMES + 4)]
    articles = [
        art("early", None, "Reuters"),  # among the outlet's first articles: itself in the outlet
        *reuters[:4],
        art("self", "Reuters", "Reuters", "Nowhere Times"),  # self, then not_in_corpus
        art("scmp", "South China Morning Post Publishers Ltd.", "SCMP"),  # self through the acronym
        *reuters[4:],
        art("matched", None, "Reuters"),  # copy of r6, derived from r2, related to r0
        art("related", None, "Reuters", "Reuters"),  # related to r1 only: unmatched, twice
        art("alone", None, "Lonely Gazette"),  # the only article of its outlet: not_in_corpus
        art("example", "Example Post Publishers Ltd"),
        art("evening", "Evening Post"),  # shares the lookup key "ep" with the Example Post; not the outlet
        art("ep", None, "Example Post"),  # matches the Example Post's article only (partial)
        art("acronym", None, "EP"),  # EP: both posts (and ep, which claims the Example Post)
        art("nothing", None, "The Ltd."),  # no outlet key at all
        art("quiet", "Quiet Press"),  # no claim: no row
    ]
    pairs = [Pair(a, b, Relation(r)) for a, b, r in [
        ("matched", "r6", "copy"), ("r2", "matched", "derived"), ("matched", "r0", "related"),
        ("related", "r1", "related"), ("ep", "example", "partial"), ("ep", "evening", "duplicate"),
        ("acronym", "evening", "related"), ("early", "r3", "related")]]
    assert "ep" in outlet_lookup_keys("Evening Post") and not same_outlet("Example Post", "Evening Post")
    want = check_attribution(articles, pairs)
    # the corpus exercises every rule of the local function
    status = {(i, c.claim): c.status for i, checks in want.items() for c in checks}
    assert status == {
        ("early", "Reuters"): "unmatched", ("self", "Reuters"): "self", ("self", "Nowhere Times"): "not_in_corpus",
        ("scmp", "SCMP"): "self", ("matched", "Reuters"): "matched", ("related", "Reuters"): "unmatched",
        ("alone", "Lonely Gazette"): "not_in_corpus", ("ep", "Example Post"): "matched",
        ("acronym", "EP"): "unmatched", ("nothing", "The Ltd."): "not_in_corpus"}
    assert want["matched"][0].articles == ("r2", "r6")
    assert want["ep"][0].articles == ("example",)
    # Reuters: early, r0-r3, self, r4-r8, matched, related; early's note names 5 of the 12 others
    assert want["early"][0].note.endswith(
        f"r0 (unrelated), r1 (unrelated), r2 (unrelated), r3 (related), self (unrelated) and {12 - CLAIM_NAMES} more")
    assert want["related"][0] == want["related"][1] and "r1 (related)" in want["related"][0].note
    assert want["acronym"][0].articles == ("example", "evening", "ep")

    assert spark_checks(spark, articles, pairs) == want
    assert spark_checks(spark, articles, []) == check_attribution(articles, [])


def random_outlets(articles: list[Article], seed: int) -> list[Article]:
    """The articles with random publishers and claims from a few outlets (one much larger)."""
    rng = random.Random(seed)
    outlets = ["Reuters", "reuters.com", "Associated Press", "AP", "Example Post", "Evening Post", "EP",
               "South China Morning Post", "SCMP", "Lonely Gazette", "Nowhere Times", "b1og.net"]
    weights = [30, 5, 6, 3, 4, 4, 2, 3, 2, 1, 1, 3]
    out = []
    for a in articles:
        publisher = rng.choices(outlets, weights)[0] if rng.random() < 0.6 else None
        claims = rng.choices(outlets, weights, k=rng.choice([0, 0, 1, 1, 1, 2, 3]))
        if rng.random() < 0.02:
            claims.append(f"Lone Outlet {rng.randrange(1000)}")  # most likely the outlet's only article
        out.append(dataclasses.replace(a, publisher=publisher, attribution=claims))
    return out


def test_random_corpus(spark):
    rng = random.Random(7)
    articles = random_outlets([Article(id=f"a{k:04d}", text="") for k in range(600)], 1)
    rng.shuffle(articles)  # corpus order is not id order
    pairs, seen = [], set()
    for _ in range(900):
        a, b = rng.sample(range(len(articles)), 2)
        if (min(a, b), max(a, b)) not in seen:
            seen.add((min(a, b), max(a, b)))
            pairs.append(Pair(articles[a].id, articles[b].id, rng.choice(list(Relation))))
    want = check_attribution(articles, pairs)
    assert {c.status for checks in want.values() for c in checks} == {"self", "matched", "unmatched",
                                                                          "not_in_corpus"}
    assert spark_checks(spark, articles, pairs) == want


@pytest.mark.skipif(not CLOUGH.is_dir(), reason="the Clough-Stevenson corpus is not in /work/shared/benchmarks")
def test_clough_stevenson_with_outlets(spark):
    """The corpus's real pairs, with outlets given to its (unattributed) texts."""
    from dedup.scan import scan

    report = scan([str(CLOUGH)])
    articles = random_outlets(report.articles, 2)
    want = check_attribution(articles, report.pairs)
    assert {c.status for checks in want.values() for c in checks} >= {"matched", "unmatched"}
    assert spark_checks(spark, articles, report.pairs) == want
