"""Tests for dedup.relation: classes at their boundaries, direction, clusters, attribution."""

from __future__ import annotations

import math

import pytest

from dedup.params import Params
from dedup.model import Article, Pair, Relation, Scores, Story
from dedup.confirm import Comparison, Confirmer
from dedup.relation import check_attribution, clusters, direction, relation
from dedup.relation.classify import truncated

EPS = 1e-6
P = Params()


def comp(**kw) -> Comparison:
    return Comparison(0, 1, **kw)


def derived_like(**kw) -> Comparison:
    """Exactly at every 'derived by alignment' threshold, no verbatim reuse, the sentences reworded."""
    base = dict(cosine=P.derived_cosine, aligned=P.derived_aligned, matched=P.derived_aligned,
                coverage_a=P.derived_coverage, coverage_b=0.0, similarity=P.derived_similarity,
                carried=math.ceil(P.derived_carried * P.derived_aligned),
                reworded=math.ceil(P.derived_reworded * P.derived_aligned))
    base.update(kw)
    return comp(**base)


# --- relation ----------------------------------------------------------------------------

def test_duplicate_by_same_words_whatever_the_scores():
    assert relation(comp(), same_words=True) == "duplicate"
    assert relation(comp(containment_ab=1, containment_ba=1, cosine=1), same_words=True) == "duplicate"


def test_copy_both_ways():
    assert relation(comp(containment_ab=P.copy_both, containment_ba=P.copy_both)) == "copy"
    assert relation(comp(containment_ab=1.0, containment_ba=1.0, cosine=1.0)) == "copy"
    below = relation(comp(containment_ab=P.copy_both - EPS, containment_ba=P.copy_both - EPS))
    assert below != "copy"


def test_copy_truncated():
    hi, lo = (P.copy_truncated_long, P.copy_truncated_short)
    assert relation(comp(containment_ab=hi, containment_ba=lo)) == "copy"
    assert relation(comp(containment_ab=lo, containment_ba=hi)) == "copy"
    assert relation(comp(containment_ab=hi, containment_ba=lo - EPS)) != "copy"
    if lo < P.copy_both:
        assert relation(comp(containment_ab=hi - EPS, containment_ba=lo)) != "copy"


def test_copy_keeps_the_order_of_its_passages():
    # an update moves paragraphs: most of each text shared, but not in one order
    both = dict(containment_ab=0.95, containment_ba=0.95, longest_run=60)
    assert relation(comp(**both, passage_order=P.copy_order)) == "copy"
    assert relation(comp(**both, passage_order=P.copy_order - EPS)) == "partial"
    cut = dict(containment_ab=P.copy_truncated_long, containment_ba=P.copy_truncated_short)
    assert relation(comp(**cut, passage_order=P.copy_order - EPS)) == "partial"


def test_rewrite_needs_reworded_sentences():
    # all of both texts in matched sentences: a rewrite when they are reworded, reused passages when not
    rewrite = dict(cosine=0.9, containment_ab=0.85, containment_ba=0.8, passage_order=0.5, longest_run=60,
                   matched=10, aligned=5, carried=5, matched_coverage_a=0.9, matched_coverage_b=0.85)
    need = math.ceil(P.derived_reworded * 10)
    assert relation(comp(**rewrite, reworded=need)) == "derived"
    assert relation(comp(**rewrite, reworded=need - 1)) == "partial"


def test_partial_by_sentences_reused_as_they_are():
    # short sentences kept word for word between other text: no long run, but whole sentences reused
    at = dict(cosine=0.4, containment_ab=P.partial_sentence_share, containment_ba=0.1, longest_run=15,
              matched=P.partial_sentences, aligned=P.partial_sentences, carried=P.partial_sentences, reworded=0)
    assert relation(comp(**at)) == "partial"
    assert relation(comp(**{**at, "containment_ab": P.partial_sentence_share - EPS})) == "related"
    fewer = P.partial_sentences - 1
    assert relation(comp(**{**at, "matched": fewer, "aligned": fewer, "carried": fewer})) == "related"
    assert relation(comp(**{**at, "reworded": P.partial_sentences})) != "partial"  # reworded: not reuse as is


def test_derived_by_alignment_needs_reworded_sentences():
    n = P.derived_aligned
    assert relation(derived_like(reworded=math.ceil(P.derived_reworded * n) - 1)) == "partial"


def test_partial_long_run_alone():
    assert relation(comp(longest_run=P.partial_long_run_words, containment_ab=0.01, containment_ba=0.01)) == "partial"


def test_partial_shorter_run_needs_a_share():
    run = P.partial_run_words
    assert relation(comp(longest_run=run, containment_ab=P.partial_min_share, containment_ba=0.01)) == "partial"
    assert relation(comp(longest_run=run, containment_ab=P.partial_min_share - EPS, containment_ba=0.01)) is None
    assert relation(comp(longest_run=run - 1, containment_ab=P.partial_min_share, containment_ba=0.01)) is None
    assert relation(comp(longest_run=P.partial_long_run_words - 1, containment_ab=0.01)) is None


def test_partial_by_share_of_short_runs():
    assert relation(comp(containment_ab=0.0, containment_ba=P.partial_share)) == "partial"
    assert relation(comp(containment_ba=P.partial_share - EPS)) != "partial"


def test_derived_by_alignment_at_thresholds():
    assert relation(derived_like()) == "derived"
    assert relation(derived_like(coverage_a=0.0, coverage_b=P.derived_coverage)) == "derived"


@pytest.mark.parametrize("change", [
    dict(aligned=P.derived_aligned - 1, matched=P.derived_aligned - 1),
    dict(coverage_a=P.derived_coverage - EPS),
    dict(similarity=P.derived_similarity - EPS),
    dict(matched=P.derived_aligned * 10),  # order = aligned / matched far below DERIVED_ORDER
    dict(carried=math.ceil(P.derived_carried * P.derived_aligned) - 1),  # aligned on names, not sentences
])
def test_not_derived_just_below_a_threshold_but_related(change):
    c = derived_like(**change)
    assert relation(c) == "related"  # cosine still reaches RELATED_COSINE


def moved_like(**kw) -> Comparison:
    """Exactly at every 'derived, sentences moved' threshold: matched out of order (none aligned), reworded."""
    n = P.derived_aligned
    base = dict(cosine=P.derived_cosine, matched=n, matched_coverage_a=P.derived_coverage,
                matched_similarity=P.moved_similarity, matched_carried=math.ceil(P.derived_carried * n),
                reworded=n)
    base.update(kw)
    return comp(**base)


def test_derived_by_sentences_moved_at_thresholds():
    assert relation(moved_like()) == "derived"
    assert relation(moved_like(matched_coverage_a=0.0, matched_coverage_b=P.derived_coverage)) == "derived"
    assert relation(moved_like(reworded=0)) == "partial"  # the same sentences reused, moved about


@pytest.mark.parametrize("change", [
    dict(matched=P.derived_aligned - 1, matched_carried=P.derived_aligned - 1),
    dict(matched_coverage_a=P.derived_coverage - EPS),
    dict(matched_similarity=P.moved_similarity - EPS),  # the same subject, not the same sentences
    dict(matched_carried=math.ceil(P.derived_carried * P.derived_aligned) - 1),  # matched on names
])
def test_not_derived_by_moved_sentences_just_below_a_threshold(change):
    assert relation(moved_like(**change)) == "related"


def test_derived_needs_cosine():
    assert relation(derived_like(cosine=P.derived_cosine - EPS)) == (
        "related" if P.derived_cosine - EPS >= P.related_cosine else None)


def test_derived_low_similarity_but_full_coverage():
    c = derived_like(similarity=P.derived_similarity - 0.1, coverage_a=P.derived_full_coverage)
    assert relation(c) == "derived"
    c = derived_like(similarity=P.derived_similarity - 0.1, coverage_a=P.derived_full_coverage - EPS)
    assert relation(c) == "related"


def test_derived_by_light_revision():
    # no alignment, but a good share of one text in short shared runs
    reuse = min(P.derived_reuse, P.partial_share - EPS)
    c = comp(cosine=P.derived_cosine, containment_ab=reuse)
    assert relation(c) == "derived"
    assert relation(comp(cosine=P.derived_cosine, containment_ab=P.derived_reuse - 0.05)) == "related"


def test_related_and_unrelated():
    assert relation(comp(cosine=P.related_cosine)) == "related"
    assert relation(comp(cosine=P.related_cosine - EPS)) is None
    assert relation(comp()) is None


def test_relation_classes_are_ordered_by_strength():
    assert [r.value for r in Relation] == ["duplicate", "copy", "partial", "derived", "related"]
    assert [r.strength for r in Relation] == sorted((r.strength for r in Relation), reverse=True)
    assert {r.value for r in Relation if r.derives} == {"duplicate", "copy", "partial", "derived"}
    assert Relation.DUPLICATE > Relation.COPY > "partial" and "derived" < Relation.PARTIAL
    assert max(Relation) is Relation.DUPLICATE and sorted(["related", "copy"], key=Relation) == ["related", "copy"]
    with pytest.raises(ValueError, match="'unrelated' is not a relation"):
        Relation("unrelated")


# --- direction ------------------------------------------------------------------------

def art(id_: str, body: str, **kw) -> Article:
    return Article(id=id_, text=body, body=body, **kw)


LONG = "word " * 400
SHORT = "word " * 100


def test_direction_earlier_date_is_source_over_length():
    a = art("a", SHORT, published="2023-12-10")
    b = art("b", LONG, published="2023-12-12")
    d = direction(a, b, comp(), "derived")
    assert d.source == "a"
    assert any("published first" in r for r in d.reasons)
    assert any("longer" in r for r in d.against)


@pytest.mark.parametrize("first, later", [
    ("Dec 9, 2023", "Dec 12, 2023"),  # as text, "Dec 12" sorts before "Dec 9"
    ("9 December 2023", "2023-12-12"),  # two forms
    ("Sat, 09 Dec 2023 23:30:00 -0500", "2023-12-10T08:00:00+07:00"),  # each date as its publisher printed it
])
def test_direction_compares_dates_not_their_text(first, later):
    a, b = art("a", SHORT, published=later), art("b", SHORT, published=first)
    d = direction(a, b, comp(), "copy")
    assert d.source == "b" and "b was published first" in d.reasons[0]


def test_direction_same_day_by_the_time_when_both_give_one():
    a, b = art("a", SHORT, published="2023-12-12T21:00Z"), art("b", LONG, published="2023-12-12T08:00Z")
    d = direction(a, b, comp(), "copy")
    assert d.source == "b" and d.reasons[0] == "b was published first (2023-12-12T08:00:00+00:00 vs " \
        "2023-12-12T21:00:00+00:00)"


@pytest.mark.parametrize("other", ["2023-12-12", "Dec 12, 2023", "2023-12-12T21:00Z"])
def test_direction_a_date_alone_tells_nothing_within_its_day(other):
    a, b = art("a", SHORT, published="2023-12-12"), art("b", SHORT, published=other)
    assert not any("published" in r for r in direction(a, b, comp(), "copy").reasons)


def test_direction_claim_naming_publisher_wins_over_length_and_date():
    a = art("a", LONG, attribution=["South China Morning Post"], published="2023-12-01")
    b = art("b", SHORT, publisher="SCMP Publishers Ltd", published="2023-12-05")
    d = direction(a, b, comp(), "partial")
    assert d.source == "b"
    assert "South China Morning Post" in d.reasons[0]
    assert d.against  # the date and the length pointed the other way


def test_direction_claim_by_url():
    url = "https://example.com/news/1"
    a = art("a", LONG, attribution=["Somebody"], attribution_urls=[url])
    b = art("b", SHORT, url=url)
    assert direction(a, b, comp(), "copy").source == "b"


def test_direction_claim_of_own_publisher_is_not_a_vote():
    # a republished original naming its own outlet credits nobody else
    a = art("a", SHORT, publisher="SCMP", attribution=["South China Morning Post"])
    b = art("b", LONG, attribution=["South China Morning Post"])
    d = direction(a, b, comp(), "copy")
    assert d.source == "a"  # b credits a's outlet; a's own claim does not count against a


def test_direction_one_way_containment_and_coverage():
    a, b = art("a", SHORT), art("b", SHORT)
    # copy: by containment; a inside b -> b is the source
    d = direction(a, b, comp(containment_ab=0.95, containment_ba=0.5), "copy")
    assert d.source == "b" and "one-way" in d.reasons[0]
    # partial: an excerpt of b, or a piece that b embeds? containment cannot tell
    d = direction(a, b, comp(containment_ab=0.95, containment_ba=0.3), "partial")
    assert d.source is None and "95% of a's words" in d.reasons[0] and "embeds" in d.reasons[0]
    # derived: by aligned coverage
    d = direction(a, b, comp(coverage_a=0.2, coverage_b=0.8), "derived")
    assert d.source == "a"
    # a difference below ONE_WAY says nothing
    d = direction(a, b, comp(coverage_a=0.5, coverage_b=0.5 + P.one_way / 2), "derived")
    assert d.source is None and d.reasons


def test_direction_longer_text_is_the_fallback_not_for_duplicates():
    a, b = art("a", SHORT), art("b", LONG)
    assert direction(a, b, comp(), "derived").source == "b"
    assert direction(a, b, comp(), "duplicate").source is None


def test_direction_same_date_is_no_signal():
    a = art("a", SHORT, published="2023-12-10")
    b = art("b", SHORT, published="2023-12-10")
    assert direction(a, b, comp(), "copy").source is None


# --- clusters -------------------------------------------------------------------------

def pair(a, b, rel, source=None, shared=P.story_partial_share):
    """A pair; a partial one with ``shared`` of b inside shared passages (an excerpt by default)."""
    return Pair(a, b, Relation(rel), source, scores=Scores(containment_ba=shared))


def test_clusters_root_is_the_original():
    got = clusters(["a", "b", "c", "d", "e"], [
        pair("a", "b", "derived", "b"),
        pair("b", "c", "copy", "b"),
        pair("a", "d", "related"),
        pair("c", "e", "related"),
    ])
    assert got == [Story("b", ("a", "b", "c"), ("d", "e"))]


def test_clusters_star_root_is_the_common_source():
    got = clusters(["w", "x", "y", "z"], [pair("w", "x", "copy", "x"), pair("x", "y", "derived", "x"),
                                          pair("x", "z", "partial", "x")])
    assert got == [Story("x", ("w", "x", "y", "z"))]


def test_clusters_separate_stories_sorted_by_size():
    got = clusters(list("abcdefg"), [
        pair("a", "b", "partial", "a"),
        pair("c", "d", "copy", "d"), pair("d", "e", "derived", "d"),
        pair("f", "g", "related"),
    ])
    assert [c.members for c in got] == [("c", "d", "e"), ("a", "b")]
    assert got[0].root == "d" and got[1].root == "a"
    # related-only articles form no story
    assert all("f" not in c.members and "g" not in c.members for c in got)


def test_clusters_partial_joins_stories_only_as_an_excerpt():
    pairs = [pair("a", "b", "copy", "a"), pair("b", "c", "partial", shared=P.story_partial_share - EPS),
             pair("c", "d", "copy", "c")]
    got = clusters(list("abcd"), pairs)
    assert [c.members for c in got] == [("a", "b"), ("c", "d")]
    pairs[1] = pair("b", "c", "partial", shared=P.story_partial_share)
    assert [c.members for c in clusters(list("abcd"), pairs)] == [("a", "b", "c", "d")]


def test_clusters_unknown_source_and_no_pairs():
    got = clusters(["a", "b"], [pair("a", "b", "duplicate")])
    assert got == [Story("a", ("a", "b"))]
    assert clusters(["a", "b"], []) == []
    assert clusters(["a", "b"], [pair("a", "b", "related")]) == []


def test_clusters_related_inside_a_story_is_not_listed():
    got = clusters(list("abc"), [pair("a", "b", "copy", "a"), pair("b", "c", "copy", "a"),
                                 pair("a", "c", "related")])
    assert got[0].related == ()


# --- check_attribution -----------------------------------------------------------------

def test_check_attribution_statuses():
    articles = [
        Article(id="orig", text="", publisher="Example Post Publishers Ltd", attribution=["Example Post"]),
        Article(id="copy", text="", attribution=["The Example Post"]),
        Article(id="other", text="", attribution=["EP"]),
        Article(id="lost", text="", attribution=["Nowhere Times"]),
        Article(id="plain", text=""),
    ]
    pairs = [pair("copy", "orig", "copy", "orig"), pair("other", "orig", "related")]
    got = check_attribution(articles, pairs)
    assert set(got) == {"orig", "copy", "other", "lost"}
    assert got["orig"][0].status == "self"
    assert got["copy"][0].status == "matched" and got["copy"][0].articles == ("orig",)
    assert got["other"][0].status == "unmatched" and "orig" in got["other"][0].articles
    assert "related" in got["other"][0].note
    assert got["lost"][0].status == "not_in_corpus" and got["lost"][0].articles == ()
    for checks in got.values():
        for check in checks:
            assert set(check.to_dict()) == {"claim", "status", "articles", "note"}


def test_check_attribution_unmatched_when_unpaired():
    articles = [Article(id="a", text="", attribution=["Reuters"]),
                Article(id="b", text="", publisher="Reuters")]
    got = check_attribution(articles, [])
    assert got["a"][0].status == "unmatched" and "unrelated" in got["a"][0].note


def test_check_attribution_matched_via_other_articles_claim():
    # two syndications of one wire story: each credits Reuters, and they derive from each other
    articles = [Article(id="a", text="", attribution=["Reuters"]),
                Article(id="b", text="", attribution=["Reuters"])]
    got = check_attribution(articles, [pair("a", "b", "partial", "a")])
    assert got["a"][0].status == "matched" and got["b"][0].status == "matched"


def test_unmatched_claim_names_a_few_of_the_outlets_articles():
    names = P.claim_names
    outlet = [Article(id=f"r{k}", text="x", publisher="Reuters") for k in range(names + 3)]
    claimer = Article(id="c", text="x", attribution=["Reuters"])
    (check,) = check_attribution(outlet + [claimer], [])["c"]
    assert check.status == "unmatched" and check.articles == tuple(f"r{k}" for k in range(names))
    assert check.note.endswith(" and 3 more")
    pairs = [pair("c", "r6", "derived"), pair("r2", "c", "related")]
    (check,) = check_attribution(outlet + [claimer], pairs)["c"]
    assert check.status == "matched" and check.articles == ("r6",)


def test_copy_truncated_is_the_others_opening():
    at = dict(containment_ab=P.copy_truncated_long, lead_b=P.copy_lead, longest_run=P.partial_long_run_words)
    assert relation(comp(**at)) == "copy"
    assert relation(comp(**{**at, "containment_ab": 0.0, "containment_ba": P.copy_truncated_long, "lead_b": 0.0,
                            "lead_a": P.copy_lead})) == "copy"
    assert relation(comp(**{**at, "lead_b": P.copy_lead - EPS})) != "copy"
    assert relation(comp(**{**at, "longest_run": P.partial_long_run_words - 1})) != "copy"
    assert relation(comp(**{**at, "containment_ab": P.copy_truncated_long - EPS})) != "copy"


def test_truncated_when_both_ways_fit_is_the_one_more_inside():
    """Texts inside one another both ways: the one more inside is the cut one; the same body
    both ways (a copy in other boilerplate) is cut neither way, so it gives no source."""
    both = dict(lead_a=1.0, lead_b=1.0, longest_run=P.partial_long_run_words)
    assert truncated(comp(containment_ab=0.98, containment_ba=0.92, **both)) == ("a", "b")
    assert truncated(comp(containment_ab=0.92, containment_ba=0.98, **both)) == ("b", "a")
    assert truncated(comp(containment_ab=1.0, containment_ba=1.0, **both)) is None
    assert relation(comp(containment_ab=1.0, containment_ba=1.0, **both)) == "copy"


def test_rewrite_of_all_of_it_is_derived_before_partial():
    at = dict(cosine=P.derived_cosine, matched_coverage_a=P.rewrite_coverage,
              matched_coverage_b=P.rewrite_other_coverage, longest_run=P.partial_long_run_words)
    assert relation(comp(**at)) == "derived"
    assert relation(comp(**{**at, "matched_coverage_b": P.rewrite_other_coverage - EPS})) == "partial"
    assert relation(comp(**{**at, "matched_coverage_a": P.rewrite_coverage - EPS})) == "partial"
    assert relation(comp(**{**at, "cosine": P.derived_cosine - EPS})) == "partial"


def test_rewrite_needs_its_aligned_sentences_to_carry_the_same_words():
    at = dict(cosine=P.derived_cosine, matched_coverage_a=1.0, matched_coverage_b=1.0, aligned=10, matched=10)
    assert relation(comp(**at, carried=math.ceil(P.derived_carried * 10))) == "derived"
    assert relation(comp(**at, carried=math.ceil(P.derived_carried * 10) - 1)) == "related"


def test_direction_says_truncated():
    a = Article(id="a", text="", body="x " * 100)
    b = Article(id="b", text="", body="x " * 30)
    c = comp(containment_ab=0.3, containment_ba=1.0, lead_a=1.0, longest_run=P.partial_long_run_words)
    d = direction(a, b, c, relation(c))
    assert d.source == "a" and d.reasons[0].startswith("truncated: b is the opening of a")


def test_orient_by_story_leaves_a_partial_outside_the_stories_alone():
    from dedup.relation import orient_by_story

    pairs = [pair("r", "x", "copy", "r"), pair("r", "y", "copy", "r"), pair("q", "x", "partial", shared=0.1),
             pair("x", "y", "partial"), pair("r", "q", "partial", "r", shared=0.1)]
    stories = clusters(["r", "x", "y", "q"], pairs)
    assert [s.members for s in stories] == [("r", "x", "y")]
    out = orient_by_story(pairs, stories)
    assert out[2] == pairs[2] and out[3].reasons == ("siblings: both derive from r",)


# --- derived needs aligned sentences that carry the same words ---------------------------

SOURCE = ("Fosters has made a takeover bid for the winemaker Southcorp worth 3.1 billion dollars. "
          "The Southcorp board said the Fosters offer undervalued the company and its brands. "
          "Shares in Southcorp rose sharply in Sydney after the Fosters bid was announced. "
          "Fosters said the deal would make it the largest wine maker in the world.")
REWRITE = ("Fosters has launched a takeover bid for winemaker Southcorp worth 3.1 billion dollars. "
           "The board of Southcorp said the Fosters offer undervalued the company and its brands. "
           "Southcorp shares rose sharply in Sydney after the Fosters bid was made public. "
           "The deal would make Fosters the world's largest wine maker, it said.")
FOLLOW_UP = ("Southcorp rejected the takeover bid from Fosters on Friday, calling it hostile and too low for its owners. "
             "The Southcorp board told investors the Fosters letter ignored its brands until next month. "
             "Southcorp shares slipped sharply in Sydney trading as analysts waited for news. "
             "Fosters said the wine maker talks would resume once lawyers for each side had met. "
             "Weather in the Barossa valley has been dry this summer and the grape harvest began early. "
             "Growers who supply Southcorp expect a smaller crop of red grapes but higher quality fruit than last year. "
             "Exports to Britain and America rose last year on strong demand for cheaper bottles. "
             "The industry body will publish its annual figures in the spring, with a report on water use. "
             "Several small family vineyards that sell to Southcorp have closed after three poor seasons in a row.")
OTHERS = ["On Friday analysts said investors waited for news as trading slipped and lawyers met owners next month.",
          "Investors and analysts told lawyers on Friday that trading news would arrive next month for owners.",
          "Lawyers for the owners met analysts on Friday; investors waited for trading news until next month.",
          "The council approved the new budget on Monday after a long debate in the chamber.",
          "Football scores from the weekend were announced by the league on Sunday evening.",
          "A storm closed roads across the north of the country overnight, police said."]


def test_follow_up_aligned_on_names_is_related_a_rewrite_derived():
    confirmer = Confirmer().fit([SOURCE, REWRITE, FOLLOW_UP, *OTHERS])
    rewrite, follow_up = confirmer.compare(0, 1), confirmer.compare(0, 2)
    assert relation(rewrite) == "derived" and rewrite.carried == rewrite.aligned
    # the follow-up's sentences align in order with the source's, on the names and a word or two
    assert follow_up.aligned >= P.derived_aligned and follow_up.carried < P.derived_carried * follow_up.aligned
    assert relation(follow_up, params=Params(derived_carried=0.0)) == "derived"  # what the rule changes
    assert relation(follow_up) == "related"


# two reports of a running story, and two team sheets: their sentences align on names and numbers
MONDAY = ("Greek sprinters Kostas Kenteris and Katerina Thanou were charged by the IAAF in Monaco on Monday. "
          "Kenteris, 31, and Thanou, 30, missed tests in Tel Aviv, Chicago and Athens in August 2004. "
          "Their coach Christos Tzekos was charged by the IAAF as well. "
          "Kenteris won gold in Sydney in 2000 and Thanou took silver there.")
FRIDAY = ("Wada says the IAAF must take Kostas Kenteris and Katerina Thanou before the CAS in Lausanne. "
          "A Greek tribunal cleared Kenteris and Thanou of skipping tests in Tel Aviv, Chicago and Athens. "
          "Christos Tzekos got four years from the IAAF tribunal for his part. "
          "Kenteris and Thanou insist that Sydney in 2000 proved they ran clean.")
MONDAY_REWRITE = ("The IAAF charged the Greek sprinters Kostas Kenteris and Katerina Thanou on Monday in Monaco. "
                  "They are charged because Kenteris, 31, and Thanou, 30, missed tests in August 2004 in Tel Aviv, "
                  "Chicago and Athens. Christos Tzekos, their coach, was also charged by the IAAF. "
                  "In Sydney in 2000 Kenteris took gold, and Thanou won silver there.")
TEAM = ("England: J Robinson (capt); M Cueto, J Noon, O Barkley, J Lewsey; C Hodgson, H Ellis. "
        "G Rowntree, S Thompson, M Stevens; D Grewcock, B Kay; J Worsley, L Moody, M Corry. "
        "Replacements: A Titterrell, D Bell, S Borthwick, A Hazell, M Dawson, A Goode, O Smith.")
TEAM_CLUBS = ("England: J Robinson (Sale Sharks, capt); M Cueto (Sale Sharks), J Noon (Newcastle), O Barkley (Bath), "
              "J Lewsey (Wasps); C Hodgson (Sale Sharks), H Ellis (Leicester). G Rowntree (Leicester), S Thompson "
              "(Northampton), M Stevens (Bath); D Grewcock (Bath), B Kay (Leicester); J Worsley (Wasps), L Moody "
              "(Leicester), M Corry (Leicester). Replacements: A Titterrell (Sale Sharks), D Bell (Bath), S Borthwick "
              "(Bath), A Hazell (Gloucester), M Dawson (Wasps), A Goode (Leicester), O Smith (Leicester).")


def test_reports_aligned_on_names_and_numbers_are_related_a_rewrite_derived():
    confirmer = Confirmer().fit([MONDAY, FRIDAY, MONDAY_REWRITE, TEAM, TEAM_CLUBS, *OTHERS])
    for a, b in ((0, 1), (3, 4)):  # every sentence aligns, and shares its names, not its words
        c = confirmer.compare(a, b)
        assert c.aligned >= P.derived_aligned and c.coverage_a == c.coverage_b == 1.0
        assert c.carried < P.derived_carried * c.aligned and relation(c) == "related"
    rewrite = confirmer.compare(0, 2)
    assert rewrite.carried == rewrite.aligned and relation(rewrite) == "derived"
