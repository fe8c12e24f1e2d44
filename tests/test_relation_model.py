"""The learned relation decision's training script (``benchmarks/relation_model.py``) and the
parameters it wrote (``reports/relation_model.json``)."""

from __future__ import annotations

import json
import runpy
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from dedup.confirm import Comparison

REPO = Path(__file__).resolve().parent.parent
PARAMS = REPO / "reports" / "relation_model.json"


@pytest.fixture(scope="module")
def script():
    """The script's globals, as a namespace (benchmarks/ is not a package)."""
    return SimpleNamespace(**runpy.run_path(str(REPO / "benchmarks" / "relation_model.py")))


@pytest.fixture(scope="module")
def params():
    return json.loads(PARAMS.read_text(encoding="utf-8"))


def test_features_are_symmetric(script):
    c = Comparison(0, 1, cosine=0.4, containment_ab=0.6, containment_ba=0.1, longest_run=92, aligned=7, matched=7,
                   similarity=0.9, coverage_a=0.58, coverage_b=0.19, matched_coverage_a=0.6,
                   matched_coverage_b=0.2)
    swapped = Comparison(1, 0, cosine=0.4, containment_ab=0.1, containment_ba=0.6, longest_run=92, aligned=7,
                         matched=7, similarity=0.9, coverage_a=0.19, coverage_b=0.58, matched_coverage_a=0.2,
                         matched_coverage_b=0.6)
    x = script.features(c)
    assert x.shape == (len(script.FEATURES),)
    assert np.array_equal(x, script.features(swapped))
    assert x[1] == 0.6 and x[2] == 0.1 and x[3] == pytest.approx(np.log(93))


def test_parameters_have_the_shape_of_their_scope(script, params):
    assert set(params) == set(script.SCOPES)
    for scope, p in params.items():
        open_, classes = script.SCOPES[scope]
        assert p["open"] == list(open_) and p["classes"] == list(classes)
        assert p["features"] == list(script.FEATURES)
        k = len(script.FEATURES)
        assert len(p["mean"]) == len(p["scale"]) == k and min(p["scale"]) > 0
        assert np.array(p["coef"]).shape == (len(classes), k)
        assert len(p["intercept"]) == len(classes)


def _decide(p: dict, x: np.ndarray) -> str:
    z = (x - np.array(p["mean"])) / np.array(p["scale"])
    return p["classes"][int(np.argmax(np.array(p["coef"]) @ z + np.array(p["intercept"])))]


def test_an_embedded_passage_is_graded_partial_and_a_same_topic_pair_not(script, params):
    # quotes case q0 of the dev part, as measured: three paragraphs of one story inside another
    embedded = Comparison(0, 1, cosine=0.402, containment_ab=0.589, containment_ba=0.151, longest_run=92, aligned=7,
                          matched=7, similarity=1.0, coverage_a=0.584, coverage_b=0.189, matched_coverage_a=0.584,
                          matched_coverage_b=0.189, quotes=[((0, 1), (0, 1)), ((2, 3), (2, 3))])
    assert _decide(params["grades"], script.features(embedded)) == "partial"
    # two stories of one topic: one sentence aligned, no passage
    topic = Comparison(0, 1, cosine=0.3, aligned=1, matched=2, similarity=0.4, coverage_a=0.05, coverage_b=0.04,
                       matched_coverage_a=0.08, matched_coverage_b=0.06)
    assert _decide(params["grades"], script.features(topic)) == "none"


def test_pairs_are_measured_as_the_scan_measures_them(script):
    ids = sorted(p.name for p in (REPO / "fixtures").glob("*.txt"))
    derived, source, other = ids[0], ids[3], ids[1]  # 000 derives from 003; 001 is related
    hand, comps = script.measured(REPO / "fixtures", [(derived, source), (derived, other)])
    assert hand[frozenset((derived, source))] == "derived" and hand[frozenset((derived, other))] == "related"
    c = comps[frozenset((derived, source))]
    assert c.aligned == 16 and round(c.cosine, 3) == 0.429  # as reports/fixtures.md shows
    assert script.in_scope("derived", c.cosine) and not script.in_scope("copy", c.cosine)


def test_macro_f1_counts_each_gold_relation_once(script):
    assert script.macro_f1(["partial", "unrelated"], ["partial", "related"]) == pytest.approx(0.5)
    assert script.macro_f1(["derived", "derived"], ["derived", "partial"]) == pytest.approx(2 / 3)
