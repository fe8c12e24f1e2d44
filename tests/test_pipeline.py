"""Tests for dedup.pipeline: the one candidate rule, confirmation into records, stories, and
parameters that reach every stage whichever driver runs them."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CREDITS_OTHER, DIGEST, ORIGINAL, seed_articles

from dedup.candidates import NOT_MEASURED, Candidates
from dedup.index import Index
from dedup.model import Article, Pair, Relation, Story
from dedup.params import Params
from dedup.pipeline import keep_candidates, report_order, runs_needed, tell_stories
from dedup.scan import scan_articles

P = Params()
RUN = P.partial_run_words - P.shingle_words + 1  # shingles in a run long enough for a partial


def found(cosine, document=False, anchor=False, sentence=False, run=NOT_MEASURED) -> Candidates:
    one = lambda x: np.array([x])  # noqa: E731
    return Candidates(np.array([[0, 1]]), one(document), one(anchor), one(sentence), one(np.float32(cosine)),
                      one(run))


@pytest.mark.parametrize("cosine, channels, run, kept", [
    (0.0, {"document": True}, NOT_MEASURED, True),  # a document-channel pair always goes on
    (P.related_cosine, {"sentence": True}, NOT_MEASURED, True),
    (P.related_cosine - 0.01, {"sentence": True}, NOT_MEASURED, False),  # a paraphrase needs the cosine
    (P.related_cosine, {"anchor": True}, NOT_MEASURED, True),
    (0.05, {"anchor": True}, RUN, True),  # below it, a verbatim run long enough for a partial
    (0.05, {"anchor": True}, RUN - 1, False),
    (0.05, {"anchor": True, "sentence": True}, RUN - 1, False),
])
def test_keep_candidates(cosine, channels, run, kept):
    keep, passage = keep_candidates(found(cosine, run=run, **channels))
    assert keep.tolist() == [kept]
    assert passage.tolist() == [kept and channels.get("anchor", False)]


def test_anchor_runs_must_be_measured_where_needed():
    assert runs_needed(np.array([0.1, P.related_cosine])).tolist() == [True, False]
    with pytest.raises(ValueError, match="no measured run"):
        keep_candidates(found(0.05, anchor=True))
    assert keep_candidates(found(0.05, anchor=True), measured=False)[0].tolist() == [True]  # what to read


def test_union_keeps_each_channels_view():
    c = Candidates.union(documents=(np.array([[0, 2]]), np.array([0.9])),
                         anchors=(np.array([[0, 2], [1, 3]]), np.array([0.9, 0.1]), np.array([NOT_MEASURED, 40])),
                         sentences=(np.array([[1, 3]]), np.array([0.1])))
    assert c.pairs.tolist() == [[0, 2], [1, 3]] and c.by_sentence.tolist() == [False, True]
    assert keep_candidates(c)[0].tolist() == [True, True]


def test_stories_and_report_order():
    pairs = [Pair("a", "b", Relation.RELATED), Pair("b", "c", Relation.COPY), Pair("a", "c", Relation.DERIVED, "c")]
    ordered, stories = tell_stories(["a", "b", "c"], pairs)
    assert [p.relation for p in ordered] == [Relation.COPY, Relation.DERIVED, Relation.RELATED]
    assert stories == [Story("c", ("a", "b", "c"))]
    assert ordered[0].source == "c" and "original of its story" in ordered[0].reasons[0]
    assert report_order(reversed(ordered)) == ordered


def test_seed_pairs_are_records():
    report = scan_articles(seed_articles(), workers=1)
    (derived,) = [p for p in report.pairs if p.relation >= Relation.DERIVED]
    assert (derived.a, derived.b, derived.source) == (DIGEST, ORIGINAL, ORIGINAL)
    assert derived.evidence and all(e.kind in ("verbatim", "paraphrase") for e in derived.evidence)
    assert report.to_dict()["pairs"][0] == derived.to_dict() == Pair.from_dict(derived.to_dict()).to_dict()


def test_parameters_reach_every_stage_in_scan_and_index(tmp_path):
    """Other thresholds change the result, and the index (with the same ones) agrees with the scan."""
    strict = Params(related_cosine=0.3, derived_cosine=0.5)
    default, changed = scan_articles(seed_articles(), workers=1), scan_articles(seed_articles(), workers=1,
                                                                                params=strict)
    assert len(changed.pairs) < len(default.pairs)
    assert all(p.scores.cosine >= 0.3 for p in changed.pairs)
    assert not any(p.relation.derives for p in changed.pairs)  # the digest's cosine is 0.43: not derived at 0.5
    with Index.open(tmp_path / "strict.db", params=strict) as index:
        for a in seed_articles():
            index.add(a)
        assert index.report(workers=1).pairs == changed.pairs
    from dedup.index.store import IndexFormatError

    with pytest.raises(IndexFormatError, match="other sketch parameters: shingle_words 5 \\(now 4\\)"):
        Index.open(tmp_path / "strict.db", params=Params(shingle_words=4))
    assert {CREDITS_OTHER, ORIGINAL} <= {x for p in changed.pairs for x in (p.a, p.b)}


# --- own words: copies in pages, quotations and captions, rewrites -----------------------

def _prose(rnd, n: int) -> list[str]:
    """``n`` paragraphs of two sentences of made-up words (seeded)."""
    vocab = ["".join(rnd.choice("bcdfghklmnprstvz") + rnd.choice("aeiou") for _ in range(rnd.randint(2, 4)))
             for _ in range(3000)]
    sentence = lambda: " ".join(rnd.choice(vocab) for _ in range(rnd.randint(14, 22))).capitalize() + "."  # noqa: E731
    return [f"{sentence()} {sentence()}" for _ in range(n)]


def _relations(texts: dict[str, str]) -> dict[frozenset, Pair]:
    arts = [Article(id=k, text=v, published=f"2024-03-0{n + 1}") for n, (k, v) in enumerate(texts.items())]
    return {frozenset((p.a, p.b)): p for p in scan_articles(arts, workers=1).pairs}


def test_a_copy_cut_short_inside_page_chrome_and_comments_is_a_truncated_copy():
    import random
    rnd = random.Random(7)
    story, other = _prose(rnd, 12), _prose(rnd, 8)
    comments = [f"reader{k}: {p}" for k, p in enumerate(other[:6])]  # longer than the copy's body
    page = ["Home | World | Sport | Business", "Share: Facebook Twitter", "Title of the story", *story[:4],
            "Read more at the Tribune", "Related: another headline", "Most read", "Comments (6)", *comments]
    pairs = _relations({"src": "\n\n".join(story), "page": "\n".join(page)})
    p = pairs[frozenset(("src", "page"))]
    assert p.relation == Relation.COPY and p.source == "src"
    assert any(r.startswith("truncated: page is the opening of src") for r in p.reasons + p.against)


def test_shared_quotation_and_caption_are_not_reuse_but_embedded_paragraphs_are():
    import random
    rnd = random.Random(11)
    a, b, c = _prose(rnd, 8), _prose(rnd, 8), _prose(rnd, 8)
    quote = f'"{c[0][:-1]}," the minister said.'
    caption = "Photo: The minister at the site on Monday. (Reuters/J. Doe)"
    texts = {"a": "\n\n".join([caption, *a[:3], quote, *a[3:]]), "b": "\n\n".join([caption, *b[:5], quote, *b[5:]]),
             "c": "\n\n".join(c), "d": "\n\n".join([*b[:2], *c[2:5], *b[2:]])}
    pairs = _relations(texts)
    ab = pairs.get(frozenset(("a", "b")))
    assert ab is None or not ab.relation.derives
    assert pairs[frozenset(("c", "d"))].relation == Relation.PARTIAL


def test_a_rewrite_that_moves_and_rewords_sentences_is_derived():
    import random
    rnd = random.Random(5)
    src = _prose(rnd, 8)
    sentences = [s + "." for p in src for s in p[:-1].split(". ")]
    reworded = [" ".join(w for k, w in enumerate(s.split()) if k % 5 != 3) if i % 2 else s
                for i, s in enumerate(sentences)]  # every other sentence loses words
    blocks = [reworded[i:i + 3] for i in range(0, len(reworded), 3)]
    rnd.shuffle(blocks)
    pairs = _relations({"src": " ".join(sentences), "rewrite": " ".join(s for b in blocks for s in b)})
    assert pairs[frozenset(("src", "rewrite"))].relation == Relation.DERIVED


def test_worth_comparing_is_the_verbatim_rule_pair_by_pair(maker):
    """Below the related cosine a pair goes on exactly when its verbatim measures (found
    pair by pair, passages and all) make a relation; from it, and equal words, always."""
    from test_verbatim import corpus

    from dedup.confirm import Comparison, Confirmer, lexical
    from dedup.pipeline import worth_comparing
    from dedup.relation import relation
    from dedup.sketch.body import Sketch

    bodies = corpus(maker, 40)
    pairs = np.array([(i, j) for i in range(len(bodies)) for j in range(i + 1, len(bodies))])
    cosines = Confirmer().fit(bodies).cosines(pairs)
    same = np.zeros(len(pairs), bool)
    same[:3] = True
    for params in (P, Params(related_cosine=0.9, derived_cosine=0.1)):  # related above derived: more low pairs
        keep = worth_comparing(bodies, pairs, cosines, same, params)
        sketches = [Sketch(b, with_sentences=False) for b in bodies]
        for k, (i, j) in enumerate(pairs.tolist()):
            c = Comparison(i, j, cosine=float(cosines[k]))
            lexical(c, sketches[i], sketches[j], params)
            want = same[k] or cosines[k] >= params.related_cosine or relation(c, params=params) is not None
            assert keep[k] == want, (i, j)
        assert 0 < (~keep).sum() and 0 < (keep & (cosines < params.related_cosine) & ~same).sum()


def test_confirm_pairs_screened_or_not_give_the_same_pairs(maker):
    from test_verbatim import corpus

    from dedup.clean import clean
    from dedup.confirm import Confirmer
    from dedup.pipeline import Bodies, confirm_pairs, worth_comparing

    arts = [clean(Article(id=f"a{k}", text=t)) for k, t in enumerate(corpus(maker, 30))]
    pairs = np.array([(i, j) for i in range(len(arts)) for j in range(i + 1, len(arts))])
    confirmer = Confirmer().fit(Bodies(arts))
    cosines = confirmer.cosines(pairs)
    whole = confirm_pairs(arts, confirmer, pairs, cosines)
    keep = worth_comparing(Bodies(arts), pairs, cosines, np.zeros(len(pairs), bool))
    assert confirm_pairs(arts, Confirmer().fit(Bodies(arts)), pairs[keep], cosines[keep], screened=True) == whole
    assert len(whole) > 20
