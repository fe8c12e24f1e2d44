"""dedup.features: the candidate stage's per-article arrays, batch by batch."""

import numpy as np

from dedup.params import Params
from dedup.sketch import Features, Sketch, band_keys, doc_bands_rows, featurize, minhash, sentence_bands_rows, winnow

P = Params()
SHINGLE = P.shingle_words

STORY = ("The council approved the new budget on Monday after a long debate about schools. "
         "Officials said the plan would raise spending on roads and hospitals next year. "
         "Opposition members argued the tax rise would hurt small businesses in the town.")


def test_shapes_and_dtypes(maker):
    bodies = [maker.article(3), maker.article(2), ""]
    f = featurize(bodies)
    assert f.n == 3
    assert f.doc_keys.shape == (3, doc_bands_rows()[0]) and f.doc_keys.dtype == np.uint64
    assert f.sentence_keys.shape[1] == sentence_bands_rows()[0] and f.sentence_keys.dtype == np.uint32
    assert f.sentence_doc.dtype == np.int32 and f.anchor_doc.dtype == np.int32
    assert f.terms.shape == (3, 1 << P.term_bits)
    assert f.terms[2].nnz == 0  # an empty body has no terms


def test_same_words_same_digest_and_keys():
    f = featurize([STORY, STORY.replace("  ", " "), STORY + " One more sentence here for you."])
    assert f.digest[0] == f.digest[1] != f.digest[2]
    assert np.array_equal(f.doc_keys[0], f.doc_keys[1])


def test_doc_keys_are_the_bands_of_the_sketch_minhash():
    bodies = [STORY, "Football scores from the weekend were announced on Sunday evening by the league."]
    f = featurize(bodies)
    sets = [np.unique(Sketch(b).shingles) for b in bodies]
    expected = band_keys(minhash(sets, P.doc_num_perm), *doc_bands_rows())
    assert np.array_equal(f.doc_keys, expected)


def test_anchors_in_text_order_with_positions():
    f = featurize([STORY])
    s = Sketch(STORY).shingles
    at = winnow(s, np.array([0, s.size]))
    assert np.array_equal(f.anchors, s[at]) and np.array_equal(f.anchor_pos, at)
    assert len(s) == len(STORY.split()) - SHINGLE + 1


def test_sentences_need_four_distinct_terms():
    f = featurize(["The budget was approved by the council on Monday. It was. Yes it is."])
    assert f.sentence_keys.shape[0] == 1 and f.sentence_doc.tolist() == [0]


def test_term_counts_match_the_sentence_terms():
    s = Sketch(STORY)
    f = featurize([STORY])
    assert int(f.terms.sum()) == s.sentence_terms[0].size


def test_concat_offsets_the_articles(maker):
    a, b = featurize([maker.article(2), STORY]), featurize([STORY])
    both = Features.concat([a, b])
    assert both.n == 3
    assert both.sentence_doc.max() == 2 and both.anchor_doc.max() == 2
    assert np.array_equal(both.doc_keys[1], both.doc_keys[2])
    assert both.terms.shape[0] == 3 and (both.terms[1] != both.terms[2]).nnz == 0


def test_empty_batch_and_empty_concat():
    assert featurize([]).n == 0
    empty = Features.concat([])
    assert empty.n == 0 and empty.doc_keys.shape == (0, doc_bands_rows()[0])


def test_ascii_batch_path_equals_the_per_text_path(fixtures_dir):
    from dedup.sketch.bytescan import scan_ascii
    from dedup.sketch.features import _scanned_tokens, _text_tokens

    texts = [p.read_text(encoding="utf-8").encode("ascii", "replace").decode() for p in sorted(fixtures_dir.glob("*.txt"))]
    fast, slow = _scanned_tokens(scan_ascii(texts), P.stem), _text_tokens(texts, list(range(len(texts))), P.stem)
    for field in ("doc", "hash", "term", "is_term"):
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
    assert np.array_equal(np.diff(fast.sentence) != 0, np.diff(slow.sentence) != 0)


def test_a_non_ascii_article_leaves_the_others_features_unchanged():
    other = "Xi Jinping sera à Hanoï mardi pour rencontrer Nguyễn Phú Trọng et signer des accords."
    alone, mixed = featurize([STORY, STORY]), featurize([STORY, other, STORY])
    assert np.array_equal(mixed.doc_keys[[0, 2]], alone.doc_keys)
    assert np.array_equal(mixed.digest[[0, 2]], alone.digest)
    assert mixed.words[1] == 15 and (mixed.terms[1].sum() > 0)
    assert (mixed.terms[[0, 2]] != alone.terms).nnz == 0


_LATIN_TEXTS = [
    "Xi Jinping sera \u00e0 Hano\u00ef mardi. Il rencontrera Nguyen Phu Trong et signera des accords \u00e9conomiques.",
    "Der Pr\u00e4sident traf am Dienstag die Ministerin. \u00dcber 300 Millionen Euro flossen \u00fcberall hin.",
    "\u00c5ngstr\u00f6m: 5 \u00b5m. \u017fome \u00d8resund-\u00e6ra \u00ff \u00ca. Caf\u00e9s \u00e9t\u00e9 r\u00e9p\u00e9t\u00e9es.",
]


def test_latin_batch_path_equals_the_per_text_path(fixtures_dir):
    from dedup.sketch.bytescan import folds_alike, scan_plain
    from dedup.sketch.features import _scanned_tokens, _text_tokens

    texts = _LATIN_TEXTS + [p.read_text(encoding="utf-8") for p in sorted(fixtures_dir.glob("*.txt"))]
    texts = [t for t in texts if not t.isascii() and folds_alike(t)]
    assert len(texts) >= 3
    fast, slow = _scanned_tokens(scan_plain(texts), P.stem), _text_tokens(texts, list(range(len(texts))), P.stem)
    for field in ("doc", "hash", "term", "is_term"):
        assert np.array_equal(getattr(fast, field), getattr(slow, field)), field
    assert np.array_equal(np.diff(fast.sentence) != 0, np.diff(slow.sentence) != 0)


def test_a_batch_of_every_kind_of_text_has_each_texts_own_features():
    texts = [STORY, _LATIN_TEXTS[0], "Die Stra\u00dfe war gesperrt. Niemand kam durch die Stra\u00dfe.", "",
             "\u4e60\u8fd1\u5e73\u8bbf\u95ee\u8d8a\u5357\u3002\u53cc\u65b9\u7b7e\u7f72\u534f\u8bae\u3002",
             _LATIN_TEXTS[2], STORY + " It rained."]
    mixed = featurize(texts)
    for k, text in enumerate(texts):
        alone = featurize([text])
        assert np.array_equal(mixed.doc_keys[k], alone.doc_keys[0]) and mixed.digest[k] == alone.digest[0]
        assert (mixed.terms[k] != alone.terms[0]).nnz == 0 and mixed.words[k] == alone.words[0]
        mine = mixed.sentence_doc == k
        assert np.array_equal(mixed.sentence_keys[mine], alone.sentence_keys)
    assert np.all(np.diff(mixed.sentence_doc) >= 0)  # sentences text by text
