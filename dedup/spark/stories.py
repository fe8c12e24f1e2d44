"""Stories on Spark: connected components of the pairs that join stories
(:func:`dedup.relation.stories.joins_story`), then each component's story and oriented
pairs by :func:`dedup.pipeline.tell_stories`.
"""

from __future__ import annotations

import json

import pyarrow as pa
from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from dedup.model import Pair, Relation
from dedup.params import DEFAULT, Params
from dedup.pipeline import tell_stories
from dedup.relation.stories import joins_story
from dedup.spark.arrow import spark_schema
from dedup.spark.components import truncate as cut
from dedup.spark.confirm import PAIR_SCHEMA

_LONG, _STR = pa.int64(), pa.string()
STORY_SCHEMA = pa.schema([("kind", _STR), ("i", _LONG), ("j", _LONG), ("relation", _STR), ("json", _STR)])


def stories_of(pairs: DataFrame, corpus: DataFrame, params: Params = DEFAULT) -> tuple[DataFrame, DataFrame]:
    """Stories (:func:`dedup.relation.clusters`) from the connected components of the
    pairs that join stories, and the pairs with :func:`dedup.relation.orient_by_story`
    applied: both run per component on its members, its derived-or-stronger pairs and the
    related pairs touching it, which is all they read (returns ``(pairs, stories)``)."""
    from dedup.spark.components import connected_components

    strong_relations = sorted(r.value for r in Relation if r.derives)
    share_ab, share_ba = (F.get_json_object("pair", f"$.scores.{k}").cast("double")
                          for k in ("containment_ab", "containment_ba"))
    joins = pairs.where(F.col("relation").isin(strong_relations)
                        & joins_story(F.col("relation"), share_ab, share_ba, params))
    comp = connected_components(joins.select(F.col("i").alias("src"), F.col("j").alias("dst")))
    comp_i = comp.select(F.col("node").alias("i"), F.col("component").alias("ci"))
    comp_j = comp.select(F.col("node").alias("j"), F.col("component").alias("cj"))
    fields = ["kind", "i", "j", "relation", "json"]
    # every derived-or-stronger pair with an article in a story goes to that story's group
    strong = pairs.where(F.col("relation").isin(strong_relations))
    in_stories = strong.join(comp_i, "i")
    strong_rows = in_stories.select(F.col("ci").alias("component"), F.lit("pair").alias("kind"),
                                                  "i", "j", "relation", F.col("pair").alias("json"))
    related = (pairs.where(F.col("relation") == "related").join(comp_i, "i", "left").join(comp_j, "j", "left"))
    related_rows = (related.where(F.col("ci").isNotNull()).select(F.col("ci").alias("component"), "i", "j", "pair")
                    .unionByName(related.where(F.col("cj").isNotNull() & (F.col("ci").isNull() | (F.col("cj") != F.col("ci"))))
                                 .select(F.col("cj").alias("component"), "i", "j", "pair"))
                    .select("component", F.lit("pair").alias("kind"), "i", "j", F.lit("related").alias("relation"),
                            F.col("pair").alias("json")))
    members = (comp.join(corpus.select(F.col("idx").alias("node"), "id"), "node")
               .select("component", F.lit("member").alias("kind"), F.col("node").alias("i"),
                       F.lit(None).cast("long").alias("j"), F.lit(None).cast("string").alias("relation"),
                       F.col("id").alias("json")))
    grouped = strong_rows.unionByName(related_rows).unionByName(members).select("component", *fields)
    def story(group):  # no type hints: Spark takes it for a plain pandas function
        return _story(group, params)

    out = cut(grouped.groupBy("component").applyInPandas(story, spark_schema(STORY_SCHEMA)))
    story_json = out.where(F.col("kind") == "story").select(F.col("json").alias("story"))
    oriented = out.where(F.col("kind") == "pair").select("i", "j", F.col("json").alias("pair"))
    oriented = oriented.join(pairs.select("i", "j", "a", "b", "relation"), ["i", "j"])
    oriented = oriented.withColumn("source", F.get_json_object("pair", "$.source"))
    final = pairs.join(in_stories.select("i", "j"), ["i", "j"], "left_anti").unionByName(
        oriented.select(*[n for n in PAIR_SCHEMA.names]))
    return final, story_json


def _story(group, params: Params = DEFAULT):
    """One component: its story and its oriented pairs (pandas in, pandas out), by
    :func:`dedup.pipeline.tell_stories`."""
    import pandas as pd

    members = group[group["kind"] == "member"].sort_values("i")
    pair_rows = group[group["kind"] == "pair"]
    pairs = [Pair.from_dict(json.loads(s)) for s in pair_rows["json"]]
    oriented, stories = tell_stories(list(members["json"]), pairs, params)
    index = {(p.a, p.b): (i, j) for p, i, j in zip(pairs, pair_rows["i"], pair_rows["j"])}
    rows = [("story", None, None, None, json.dumps(s.to_dict())) for s in stories]
    rows += [("pair", *index[(p.a, p.b)], p.relation.value, json.dumps(p.to_dict())) for p in oriented
             if p.relation.derives]
    return pd.DataFrame(rows, columns=["kind", "i", "j", "relation", "json"]).astype(
        {"i": "Int64", "j": "Int64"})
