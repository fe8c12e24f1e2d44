"""Attribution checks on Spark: :func:`dedup.relation.check_attribution` for corpora of any size.

Each claim of each article gets the same check as the local function (decided by the same
:func:`dedup.relation.claim_check`), as JSON. Only the distinct claims (outlet names) and,
for each, its size and first ``CLAIM_NAMES + 1`` articles are brought to the driver.

>>> from dedup.spark.session import get_session
>>> spark = get_session("local[2]", conf={"spark.sql.shuffle.partitions": "4"})  # a small example
>>> articles = spark.createDataFrame([
...     (0, "orig", "Example Post", []), (1, "copy", None, ["The Example Post"]),
...     (2, "lost", None, ["Nowhere Times"])], "idx long, id string, publisher string, attribution array<string>")
>>> pairs = spark.createDataFrame([(0, 1, "copy")], "i long, j long, relation string")
>>> import json
>>> for row in attribution_checks(articles, pairs).orderBy("idx").collect():
...     print(row.id, [(c["status"], c["articles"]) for c in json.loads(row.checks)])
copy [('matched', ['orig'])]
lost [('not_in_corpus', [])]
"""

from __future__ import annotations

import json
from collections.abc import Iterator

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from dedup.clean.metadata import outlet_lookup_keys, same_outlet
from dedup.model import Relation
from dedup.params import DEFAULT, Params
from dedup.relation import claim_check, of_outlet

_DERIVES = sorted(r.value for r in Relation if r.derives)


def attribution_checks(articles: DataFrame, pairs: DataFrame, params: Params = DEFAULT) -> DataFrame:
    """``idx, id, checks``: for each article with attribution claims, the JSON of the list
    that :func:`dedup.relation.check_attribution` gives it.

    ``articles``: ``idx`` (long: the corpus order that the local function's list has),
    ``id``, ``publisher`` (nullable) and ``attribution`` (array<string>, the claims in
    order), ids unique. ``pairs``: ``i``, ``j`` (the articles' idx) and ``relation``, at
    most one row for two articles (as a scan gives them).

    Runs two jobs now (the distinct claims; each outlet's size and first articles, to the
    driver) and returns the rest lazily.
    """
    first_names = params.claim_names + 1  # an outlet's first articles a note may name (one may be the claimer)
    spark = articles.sparkSession
    a = articles.select("idx", "id", "publisher",
                        F.coalesce("attribution", F.array().cast("array<string>")).alias("attribution"))

    # 1. the distinct claims (few: outlet names), by lookup key
    claims = sorted(r.claim for r in a.select(F.explode("attribution").alias("claim")).distinct().collect())
    by_key: dict[str, list[str]] = {}
    for claim in claims:
        for key in outlet_lookup_keys(claim):
            by_key.setdefault(key, []).append(claim)

    # 2. outlet membership, by one pass over the articles (Python, in batches): the outlets
    # each belongs to by its names (publisher, claims)
    named = a.where(F.col("publisher").isNotNull() | (F.size("attribution") > 0))
    members = named.mapInArrow(lambda batches: _outlets(batches, by_key), "claim string, idx long, id string")

    # 3. per claim: the outlet's size and its first articles (bounded top-k aggregation)
    stats = {r.claim: (r.size, [m.id for m in r.first], [m.idx for m in r.first])
             for r in members.groupBy("claim").agg(
                 F.count(F.lit(1)).alias("size"),
                 F.min_by(F.struct("idx", "id"), "idx", first_names).alias("first")).collect()}
    firsts = spark.createDataFrame([(c, s[2]) for c, s in stats.items()], "claim string, first array<long>")

    # 4. per (article, claim): its pairs with the outlet's articles, kept when derived or
    # stronger (hits) or with one of the first articles (the note's)
    claimed = a.select("idx", F.explode(F.array_distinct("attribution")).alias("claim"))
    edges = (pairs.select(F.col("i").alias("idx"), F.col("j").alias("nb"), "relation")
             .unionByName(pairs.select(F.col("j").alias("idx"), F.col("i").alias("nb"), "relation"))
             .where(F.col("idx") != F.col("nb")))
    outlet = members.select("claim", F.col("idx").alias("nb"), F.col("id").alias("nb_id"))
    links = (claimed.join(edges, "idx").join(outlet, ["claim", "nb"]).join(F.broadcast(firsts), "claim")
             .where(F.col("relation").isin(*_DERIVES) | F.array_contains("first", F.col("nb")))
             .groupBy("idx").agg(F.collect_list(F.struct("claim", "nb", "nb_id", "relation")).alias("links")))

    # 5. the checks, by dedup.relation.claim_check
    return (a.where(F.size("attribution") > 0).join(links, "idx", "left")
            .mapInArrow(lambda batches: _checks(batches, stats, params.claim_names),
                        "idx long, id string, checks string"))


def _outlets(batches: Iterator, by_key: dict[str, list[str]]) -> Iterator:
    """``(claim, idx, id)`` for each article and each claim whose outlet it belongs to, as
    :func:`dedup.relation.of_outlet` decides: one of its names is :func:`same_outlet` (and
    so shares a lookup key with the claim)."""
    import pyarrow as pa

    memo: dict[str, set[str]] = {}

    def outlets(name: str) -> set[str]:  # the claims that name the outlet ``name`` names
        if name not in memo:
            if len(memo) > 100_000:
                memo.clear()
            near = {c for key in outlet_lookup_keys(name) for c in by_key.get(key, ())}
            memo[name] = {c for c in near if same_outlet(c, name)}
        return memo[name]

    for batch in batches:
        claims, idxs, ids = [], [], []
        for idx, id, publisher, attribution in zip(*(batch.column(c).to_pylist() for c in
                                                     ("idx", "id", "publisher", "attribution"))):
            of = set().union(*(outlets(o) for o in (publisher, *attribution) if o))
            claims += of
            idxs += [idx] * len(of)
            ids += [id] * len(of)
        yield pa.RecordBatch.from_arrays([pa.array(claims, pa.string()), pa.array(idxs, pa.int64()),
                                          pa.array(ids, pa.string())], names=["claim", "idx", "id"])


def _checks(batches: Iterator, stats: dict[str, tuple[int, list[str], list[int]]], names: int) -> Iterator:
    """The JSON checks of each article from its links (see step 4)."""
    import pyarrow as pa

    for batch in batches:
        idxs, ids, out = [], [], []
        for row in batch.to_pylist():
            by_claim: dict[str, list[dict]] = {}
            for link in row["links"] or ():
                by_claim.setdefault(link["claim"], []).append(link)
            checks = []
            for claim in row["attribution"]:
                found = sorted(by_claim.get(claim, ()), key=lambda link: link["nb"])
                hits = [link["nb_id"] for link in found if Relation(link["relation"]).derives]
                mine = {link["nb_id"]: link["relation"] for link in found}
                size, first, _ = stats.get(claim, (0, [], []))
                in_outlet = of_outlet(claim, row["publisher"], row["attribution"])
                checks.append(claim_check(row["id"], row["publisher"], claim, size, first, in_outlet, hits, mine,
                                          names).to_dict())
            idxs.append(row["idx"])
            ids.append(row["id"])
            out.append(json.dumps(checks))
        yield pa.RecordBatch.from_arrays([pa.array(idxs, pa.int64()), pa.array(ids, pa.string()),
                                          pa.array(out, pa.string())], names=["idx", "id", "checks"])
