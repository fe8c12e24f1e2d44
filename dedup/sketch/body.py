"""What the confirm stage needs of one article's body, computed once: its word spans,
shingles in text order, sentences, each sentence's terms and which of them are content
terms (not written as a name or a number: :func:`content_words`).

>>> s = Sketch("The minister met the press. He said nothing new today.")
>>> s.n_words, len(s.sentences), s.shingles.size
(10, 2, 6)
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from dedup.arrays import unique
from dedup.params import DEFAULT
from dedup.sketch.bytescan import SPACE, Tokens, folds_alike, next_position, plain_sentences, scan_ascii, scan_plain
from dedup.sketch.hashing import hash_words, is_stop, shingles, span_hashes, term_hashes
from dedup.sketch.tokens import plain_points, sentences, words, words_and_spans


class Sketch:
    """What the later stages need of one article's body, computed once.

    ``sentence_terms``: the term hashes of each sentence (:func:`term_hashes`), laid end
    to end, and where each sentence's start (``len(sentences) + 1`` offsets);
    ``sentence_content``: for each of those terms, whether its word is a content word
    (:func:`content_words`). :meth:`many` makes the sketches of many bodies at once.

    >>> s = Sketch("The minister met the press. He said nothing new today.")
    >>> terms_, starts = s.sentence_terms
    >>> s.n_words, len(s.sentences), bool((terms_[starts[1]:starts[2]] == hash_words(["new", "today"])).all())
    (10, 2, True)
    """

    __slots__ = ("body", "n_words", "spans", "shingles", "unique_shingles", "sentences", "sentence_tokens", "layout",
                 "sentence_terms", "sentence_content")
    body: str
    n_words: int
    spans: np.ndarray  # (words, 2): each word's start and end in the body
    shingles: np.ndarray  # word shingle hashes, in text order
    unique_shingles: np.ndarray
    sentences: list[tuple[int, int]]  # each sentence's start and end in the body
    sentence_tokens: list[tuple[int, int]]  # each sentence's first and past-last word
    layout: tuple[np.ndarray, np.ndarray] | None  # own-word mask and block of each word, once measured
    sentence_terms: tuple[np.ndarray, np.ndarray]
    sentence_content: np.ndarray  # bool, per term of sentence_terms[0]

    def __init__(self, body: str, with_sentences: bool = True, shingle_words: int = DEFAULT.shingle_words,
                 stem: int = DEFAULT.stem) -> None:
        words, self.spans = words_and_spans(body)
        self.body, self.n_words = body, len(words)
        self.layout = None  # own words and blocks, filled by the confirm stage when first measured
        hashes = hash_words(words)
        self.shingles = shingles(hashes, shingle_words)
        self.unique_shingles = unique(self.shingles)
        points = None if body.isascii() or not with_sentences else plain_points(body)
        self.sentences = [] if not with_sentences else sentences(body) if points is None else plain_sentences(points)
        bounds = np.searchsorted(self.spans[:, 0], np.array(self.sentences, np.int64).reshape(-1, 2))
        self.sentence_tokens = [(i, j) for i, j in bounds.tolist()]
        keep, th = term_hashes(words, hashes, stem)
        sentence_of = np.repeat(np.arange(bounds.shape[0]), bounds[:, 1] - bounds[:, 0])
        in_sentence = np.concatenate([np.arange(i, j) for i, j in bounds.tolist()]) if bounds.size else \
            np.empty(0, np.int64)
        term_at = in_sentence[keep[in_sentence]]
        counts = np.bincount(sentence_of[keep[in_sentence]], minlength=bounds.shape[0])
        self.sentence_terms = (th[term_at], np.r_[0, np.cumsum(counts)].astype(np.int64))
        self.sentence_content = content_words(body, words, self.spans, self.sentences, self.sentence_tokens)[term_at]

    @property
    def words(self) -> list[str]:
        """The body's tokens (:func:`dedup.sketch.tokens.words`), made when asked for."""
        return words(self.body)

    @staticmethod
    def many(bodies: Sequence[str], shingle_words: int = DEFAULT.shingle_words,
             stem: int = DEFAULT.stem) -> list["Sketch"]:
        """``[Sketch(b) for b in bodies]``, the ASCII bodies all at once with numpy
        (:func:`sketch_ascii`), and the Latin-script ones that fold alike
        (:func:`sketch_plain`); the others one by one."""
        ascii_, plain = [], []
        for k, b in enumerate(bodies):
            if b.isascii():
                ascii_.append(k)
            elif folds_alike(b):
                plain.append(k)
        out: list[Sketch | None] = [None] * len(bodies)
        for group, make in ((ascii_, sketch_ascii), (plain, sketch_plain)):
            for k, sketch in zip(group, make([bodies[k] for k in group], shingle_words, stem)):
                out[k] = sketch
        return [Sketch(b, shingle_words=shingle_words, stem=stem) if s is None else s for b, s in zip(bodies, out)]


_PLAIN = 0x300  # code points below it: their kinds from a table


def _kinds(points: list[int]) -> np.ndarray:
    """For each code point: upper case, lower case, a digit, not ASCII (str's own tests)."""
    return np.array([(c.isupper(), c.islower(), c.isdigit(), c >= "\x80") for c in map(chr, points)],
                    bool).reshape(-1, 4)


@lru_cache(maxsize=1)
def _plain_kinds() -> np.ndarray:
    return _kinds(list(range(_PLAIN)))


def content_words(body: str, words: Sequence[str], spans: np.ndarray, sentence_spans: Sequence[tuple[int, int]],
                  sentence_tokens: Sequence[tuple[int, int]]) -> np.ndarray:
    """Whether each word of ``body`` (``words`` and their ``spans``; sentences as
    :class:`Sketch` holds them) is a content word: not written as a name or a number. A
    name is a capitalised word (the first word of a sentence too: it may be one, and a
    sentence's opening is no evidence of a rewrite): in an ASCII sentence, a word that does
    not open with a lower-case letter ``a-z``, elsewhere one opening with an upper-case
    letter; a number, a word with a digit. In a sentence without both cases (a script
    without case, a line in capitals) every word is content; so are words outside sentences.

    >>> body = "Kostas Kenteris, 31, missed eBay's tests. THE IAAF SAID SO."
    >>> s = Sketch(body)
    >>> [w for w, c in zip(s.words, content_words(body, s.words, s.spans, s.sentences, s.sentence_tokens)) if c]
    ['missed', 'ebay', 's', 'tests', 'the', 'iaaf', 'said', 'so']
    """
    out = np.ones(len(words), bool)
    if not len(sentence_spans) or not len(words):
        return out
    points = np.frombuffer(body.encode("utf-32-le", "surrogatepass"), np.uint32)
    if int(points.max(initial=0)) < _PLAIN:
        kinds = _plain_kinds()[points]
    else:  # each distinct character asked of Python once
        distinct = unique(points)
        kinds = _kinds(distinct.tolist())[np.searchsorted(distinct, points)]
    seen = np.zeros((points.size + 1, 4), np.int64)  # upper, lower, digit, not ASCII: how many before each offset
    np.cumsum(kinds, axis=0, out=seen[1:])
    s, e = np.array(sentence_spans, np.int64).reshape(-1, 2).T
    cased = (seen[e, 0] > seen[s, 0]) & (seen[e, 1] > seen[s, 1])
    plain = seen[e, 3] == seen[s, 3]  # an ASCII sentence
    lo, hi = np.array(sentence_tokens, np.int64).reshape(-1, 2).T
    sentence = np.repeat(np.arange(lo.size), hi - lo)
    word = np.arange(sentence.size) + np.repeat(lo - (np.cumsum(hi - lo) - (hi - lo)), hi - lo)
    start, end = spans[word, 0], spans[word, 1]
    opening = points[start]
    digitless = seen[end, 2] == seen[start, 2]
    named = np.where(plain[sentence], (opening < 97) | (opening > 122), kinds[start, 0])
    out[word] = ~cased[sentence] | (~named & digitless)
    return out


_UPPER_BYTE, _LOWER_BYTE, _DIGIT_BYTE = (np.isin(np.arange(256), np.frombuffer(chars.encode(), np.uint8))
                                         for chars in ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz",
                                                       "0123456789"))


def _any_in(flags: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Whether ``flags`` holds a True in each of the sorted, disjoint, non-empty spans ``[starts[k], ends[k])``."""
    if starts.size == 0:
        return np.zeros(0, bool)
    return np.logical_or.reduceat(np.r_[flags, False], np.stack([starts, ends], 1).ravel())[::2]


def sketch_ascii(texts: Sequence[str], shingle_words: int = DEFAULT.shingle_words,
                 stem: int = DEFAULT.stem) -> list[Sketch]:
    """``[Sketch(t) for t in texts]`` for ASCII texts, computed over the whole batch with
    numpy; only the slicing into sketches is done text by text.

    >>> s = sketch_ascii(["Mr. Xi met U.S. officials. They agreed.", "", "A b"])
    >>> [x.sentences for x in s], [x.n_words for x in s]
    ([[(0, 26), (27, 39)], [], [(0, 3)]], [8, 0, 2])
    """
    if not texts:
        return []
    t = scan_ascii(texts)
    return _sketches(texts, t, _UPPER_BYTE[t.raw], _LOWER_BYTE[t.raw], _DIGIT_BYTE[t.raw], None, shingle_words, stem)


def sketch_plain(texts: Sequence[str], shingle_words: int = DEFAULT.shingle_words,
                 stem: int = DEFAULT.stem) -> list[Sketch]:
    """:func:`sketch_ascii` for texts whose characters fold alike
    (:func:`dedup.sketch.bytescan.folds_alike`): Latin script but a few letters.

    >>> [(x.sentences, x.words) for x in sketch_plain(["\u00c9t\u00e9 chaud. Caf\u00e9 fra\u00eeche."])]
    [([(0, 10), (11, 24)], ['\u00e9t\u00e9', 'chaud', 'caf\u00e9', 'fra\u00eeche'])]
    """
    if not texts:
        return []
    t = scan_plain(texts)
    kinds = _plain_kinds()[t.points]
    return _sketches(texts, t, kinds[:, 0], kinds[:, 1], kinds[:, 2], kinds[:, 3], shingle_words, stem)


def _sketches(texts: Sequence[str], t: Tokens, upper: np.ndarray, lower: np.ndarray, digit: np.ndarray,
              wide: np.ndarray | None, shingle_words: int, stem: int) -> list[Sketch]:
    """The sketches of a batch scanned at once; ``upper``, ``lower``, ``digit``, ``wide`` (not
    ASCII; None: no such character): what each character of the joined texts is, as
    :func:`content_words` asks."""
    lengths = np.fromiter(map(len, texts), np.int64, len(texts))
    text_start = np.r_[0, np.cumsum(lengths[:-1] + 1)]
    size = t.raw.size
    # sentences: the pieces between breaks (and text edges), stripped, empty ones dropped
    edges = unique(np.r_[t.breaks, text_start, text_start + lengths])
    lo, hi = edges[:-1], edges[1:]
    filled = np.flatnonzero(~SPACE[t.raw])
    first = next_position(filled, lo, size)
    last = filled[np.maximum(np.searchsorted(filled, hi) - 1, 0)] if filled.size else hi
    keep = first < hi
    s_start, s_end = first[keep], last[keep] + 1
    s_doc = np.searchsorted(text_start, s_start, side="right") - 1
    tok_lo, tok_hi = np.searchsorted(t.start, s_start), np.searchsorted(t.start, s_end)
    # terms (as term_hashes), gathered sentence by sentence
    length = t.end - t.start
    is_term = ~is_stop(t.hash) & (length > 1)
    term = np.where(is_term, t.hash, np.uint64(0))
    long_ = np.flatnonzero(is_term & (length > stem))
    if long_.size:
        term[long_] = span_hashes(t.lower, t.in_lower(t.start[long_]), t.in_lower(t.start[long_] + stem))
    per_sentence = tok_hi - tok_lo
    in_sentence = np.arange(int(per_sentence.sum())) - np.repeat(np.cumsum(per_sentence) - per_sentence - tok_lo,
                                                                 per_sentence)
    sentence_of = np.repeat(np.arange(s_start.size), per_sentence)
    kept = is_term[in_sentence]
    term_values, term_sentence = term[in_sentence[kept]], sentence_of[kept]
    term_bounds = np.searchsorted(term_sentence, np.arange(s_start.size + 1))
    # content terms (as content_words): a sentence with both cases counts words not written as names
    # (in an ASCII sentence opening in lower case a-z, in another not in upper case), digitless
    both = _any_in(upper, s_start, s_end) & _any_in(lower, s_start, s_end)
    opening = t.start[in_sentence[kept]]
    named = ~_LOWER_BYTE[t.raw[opening]]
    if wide is not None:
        named = np.where(_any_in(wide, s_start, s_end)[term_sentence], upper[opening], named)
    digitless = ~_any_in(digit, t.start, t.end)[in_sentence[kept]]
    term_content = ~both[term_sentence] | (~named & digitless)
    # shingles (as sketch.shingles): valid where shingle_words words of the same text follow
    n_words = np.bincount(t.doc, minlength=len(texts))
    tok_first = np.r_[0, np.cumsum(n_words)]
    values = shingles(t.hash, shingle_words) if t.hash.size >= shingle_words else np.empty(0, np.uint32)
    spans = np.stack([t.start, t.end], axis=1)
    sent_first = np.searchsorted(s_doc, np.arange(len(texts) + 1))
    out = []
    for d, base in enumerate(text_start.tolist()):
        a, b = int(tok_first[d]), int(tok_first[d + 1])
        sa, sb = int(sent_first[d]), int(sent_first[d + 1])
        k = Sketch.__new__(Sketch)
        k.body, k.n_words, k.spans, k.layout = texts[d], b - a, spans[a:b] - base, None
        k.shingles = (values[a: b - shingle_words + 1] if b - a >= shingle_words
                      else shingles(t.hash[a:b], shingle_words))
        k.unique_shingles = unique(k.shingles)
        k.sentences = list(zip((s_start[sa:sb] - base).tolist(), (s_end[sa:sb] - base).tolist()))
        k.sentence_tokens = list(zip((tok_lo[sa:sb] - a).tolist(), (tok_hi[sa:sb] - a).tolist()))
        tb = term_bounds[sa: sb + 1]
        k.sentence_terms = (term_values[tb[0]: tb[-1]], tb - tb[0])
        k.sentence_content = term_content[tb[0]: tb[-1]]
        out.append(k)
    return out
