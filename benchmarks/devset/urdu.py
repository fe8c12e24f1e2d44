"""Urdu rewrites of news text (class 5), built from ``urdu-news-text/rows.jsonl`` by path.

A source is a row of at least five sentences (ended by "۔"). Its rewrite does what
newspapers do to agency copy, and what keyboards and encodings do to Urdu:

* sentences reordered (not monotone), two merged with "اور", one split at a comma, one
  or two dropped, one added from another row;
* half the sentences (rounded up, chosen at random) reworded: common words swapped for synonyms (a hand-made
  table below), about a fifth of the words dropped, a phrase moved to the front, the two
  halves of a sentence swapped at a comma, a connective ("واضح رہے کہ") opening some: a
  reworded sentence keeps most of its words but few runs of five words as they were;
* the same letters in Arabic code points (ي for ی, ك for ک, ه for ہ) in some words, digits
  as Eastern Arabic-Indic or Persian digits, numbers up to ten as words, diacritics
  (zabar, zer, pesh) on some letters, sentence ends "۔" without a space after them.

Labels: the rewrite vs its source is ``derived`` (source: the row, published earlier by
an agency); a *partial* variant keeps half the sentences (folded, in order) and fills the
rest from other rows (``partial``); pairs of different rows are ``unrelated`` (random
pairs, and each source with its nearest other row by character-trigram TF-IDF cosine,
excluding rows that are near copies of it in the data itself).
"""

from __future__ import annotations

import random
import re

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from cases import SPLITS, Case, split_of

SYNONYMS = {
    "کہا": "بتایا", "بتایا": "کہا", "لیکن": "تاہم", "تاہم": "لیکن", "حکومت": "سرکار", "لوگ": "افراد",
    "لوگوں": "افراد", "ملک": "وطن", "بڑا": "عظیم", "بڑی": "اہم", "شروع": "آغاز", "ختم": "مکمل", "اعلان": "اظہار",
    "مطابق": "بقول", "صرف": "محض", "بہت": "کافی", "جلد": "فوری", "دوران": "عرصے", "سال": "برس", "اہم": "بڑی",
    "کیونکہ": "چونکہ", "اگر": "اگرچہ", "ساتھ": "ہمراہ", "بعد": "پیچھے", "پہلے": "قبل", "نئی": "جدید", "نیا": "جدید",
    "کام": "امور", "فیصلہ": "طے", "ضرورت": "حاجت", "مدد": "تعاون", "کوشش": "جدوجہد", "مسئلہ": "معاملہ",
}
NUMBER_WORDS = {"1": "ایک", "2": "دو", "3": "تین", "4": "چار", "5": "پانچ", "6": "چھ", "7": "سات", "8": "آٹھ",
                "9": "نو", "10": "دس"}
_ARABIC_LETTERS = str.maketrans({"ی": "ي", "ک": "ك", "ہ": "ه"})
_EASTERN = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_TO_ASCII = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_MARKS = ("\u064e", "\u0650", "\u064f")


def urdu_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[۔؟!])", text) if len(s.strip().split()) >= 3]


CONNECTIVES = ["واضح رہے کہ", "ذرائع کے مطابق", "بتایا گیا ہے کہ", "یاد رہے کہ", "اطلاعات کے مطابق"]


def _reword(sentence: str, rnd: random.Random) -> str:
    """A sentence as a newspaper rewords it: common words swapped for synonyms, about a
    fifth of the words dropped, a phrase of three to five words moved to the front, the
    two halves swapped at a comma, a connective opening it. Most of its words stay (it
    says the same), few runs of five stay as they were (it is not copied)."""
    words = sentence.rstrip("۔؟!").split()
    words = [SYNONYMS.get(w, w) if rnd.random() < 0.8 else w for w in words]
    for _ in range(max(1, len(words) // 5)):
        if len(words) > 6:
            words.pop(rnd.randrange(1, len(words) - 1))
    if len(words) > 8:
        k, n = rnd.randrange(2, len(words) - 4), rnd.randint(3, 5)
        words = words[k: k + n] + words[:k] + words[k + n:]
    text = " ".join(words)
    if "،" in text and rnd.random() < 0.6:
        head, _, tail = text.partition("،")
        text = f"{tail.strip()}، {head.strip()}"
    if rnd.random() < 0.5:
        text = f"{rnd.choice(CONNECTIVES)} {text}"
    return text + "۔"


def _spell(text: str, rnd: random.Random) -> str:
    """Code points, digits, number words and diacritics as another writer's keyboard has them."""
    out = []
    for w in text.split(" "):
        core = w.translate(_TO_ASCII)
        if core.rstrip("۔،") in NUMBER_WORDS and rnd.random() < 0.5:
            w = NUMBER_WORDS[core.rstrip("۔،")] + core[len(core.rstrip("۔،")):]
        elif any(c.isdigit() for c in core):
            w = core.translate(rnd.choice([_EASTERN, _PERSIAN, str.maketrans("", "")]))
        r = rnd.random()
        if r < 0.3:
            w = w.translate(_ARABIC_LETTERS)
        elif r < 0.4 and len(w) > 2:
            k = rnd.randrange(1, len(w))
            w = w[:k] + rnd.choice(_MARKS) + w[k:]
        out.append(w)
    return " ".join(out)


def rewrite(sentences: list[str], filler: list[str], rnd: random.Random) -> str:
    s = list(sentences)
    for _ in range(1 if len(s) < 7 else 2):
        s.pop(rnd.randrange(len(s)))
    half = set(rnd.sample(range(len(s)), (len(s) + 1) // 2))  # half of them, not a coin each: 5 coins can all fail
    s = [_reword(x, rnd) if k in half else x for k, x in enumerate(s)]
    if len(s) >= 4:
        k = rnd.randrange(len(s) - 1)
        s[k: k + 2] = [s[k].rstrip("۔") + " اور " + s[k + 1]]
    for k, x in enumerate(s):
        if "،" in x and rnd.random() < 0.5:
            head, _, tail = x.partition("،")
            s[k: k + 1] = [head.strip() + "۔", tail.strip()]
            break
    s.insert(rnd.randint(0, len(s)), rnd.choice(filler))
    blocks = [s[i: i + 2] for i in range(0, len(s), 2)]
    rnd.shuffle(blocks)
    return _spell("".join(x for b in blocks for x in b), rnd)  # "۔" with no space after it


def partial(sentences: list[str], filler: list[str], rnd: random.Random) -> str:
    keep = sorted(rnd.sample(range(len(sentences)), max(2, len(sentences) // 2)))
    out = [sentences[k] for k in keep]
    for x in rnd.sample(filler, min(len(filler), max(2, len(sentences) - len(keep)))):
        out.insert(rnd.randint(0, len(out)), x)
    return _spell(" ".join(out), rnd)


def urdu(rows: list[dict], per_split: int | None = None) -> list[Case]:
    """The Urdu cases of both parts (see the module docstring)."""
    def make(sents: list[str], filler: list[str], rnd: random.Random) -> tuple[str, str]:
        kind = "partial" if rnd.random() < 0.3 else "derived"
        return kind, partial(sents, filler, rnd) if kind == "partial" else rewrite(sents, filler, rnd)

    return _cases("urdu", rows, make, min_sentences=5, other_rows=6, filler_sentences=8, min_filler=3,
                  per_split=per_split)


def _cases(name: str, rows: list[dict], make, min_sentences: int, other_rows: int, filler_sentences: int,
           min_filler: int, per_split: int | None, shuffled: bool = False) -> list[Case]:
    """Each part's cases: for each source row (of ``min_sentences`` or more), ``make(sentences,
    filler, rnd)`` (the filler: sentences of ``other_rows`` other rows) gives the label and text
    of its new version, labelled against it; each source with its nearest other row by
    character-trigram TF-IDF (below 0.5) and a random row, unrelated. ``shuffled``: the
    sources in a seeded order (else the data's), before ``per_split`` are taken."""
    texts = [r["text"] for r in rows]
    vec = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), sublinear_tf=True).fit(texts)
    m = vec.transform(texts)
    sources = [i for i, r in enumerate(rows) if len(urdu_sentences(r["text"])) >= min_sentences]
    out = []
    for split in SPLITS:
        rnd = random.Random(f"{name}-{split}")
        mine = [i for i in sources if split_of(rows[i]["id"]) == split]
        if shuffled:
            rnd.shuffle(mine)
        if per_split is not None:
            mine = mine[:per_split]
        others = [i for i, r in enumerate(rows) if split_of(r["id"]) == split]
        case = Case(name, split)
        added: set[int] = set()

        def add(i: int) -> str:
            if i not in added:
                added.add(i)
                case.add(f"row/{rows[i]['id']}", rows[i]["text"], "APP", 10, 8)
            return f"row/{rows[i]['id']}"

        for i in mine:
            sents = urdu_sentences(rows[i]["text"])
            filler = [x for j in rnd.sample(others, other_rows) if j != i
                      for x in urdu_sentences(rows[j]["text"])][:filler_sentences]
            if len(filler) < min_filler:
                continue
            src = add(i)
            kind, text = make(sents, filler, rnd)
            new = case.add(f"{kind}/{rows[i]['id']}", text, "Daily Jang", 11, 7)
            case.label(src, new, kind, src)
            sims = (m[i] @ m.T).toarray().ravel()
            sims[i] = -1
            near = [j for j in np.argsort(-sims)[:50].tolist() if sims[j] < 0.5 and j in set(others)]
            for j in near[:1] + [rnd.choice(others)]:
                if j != i:
                    case.label(src, add(j), "unrelated")
        out.append(case)
    return out


def mixed(sentences: list[str], filler: list[str], rnd: random.Random) -> str:
    """A newspaper story built partly from the agency copy: two to four fifths of its sentences
    (chosen at random, not a run), seven in ten of them reworded, among about as many
    sentences of the paper's own (other rows'), all in an order of their own; spelled as
    :func:`rewrite` spells."""
    keep = rnd.sample(sentences, max(2, round(len(sentences) * rnd.uniform(0.4, 0.8))))
    own = [_reword(x, rnd) if rnd.random() < 0.7 else x for x in keep]
    out = own + rnd.sample(filler, min(len(filler), max(2, len(keep))))
    rnd.shuffle(out)
    return _spell(" ".join(out), rnd)


def mixed_cases(rows: list[dict], per_split: int | None = 60) -> list[Case]:
    """Class 5's partially derived stories (:func:`mixed`) of each part against their source
    (``derived``), each source with its nearest other row and a random row (``unrelated``),
    as :func:`urdu` pairs them; seeded apart from :func:`urdu`, so its cases stay as they were."""
    return _cases("urdu-mixed", rows, lambda sents, filler, rnd: ("derived", mixed(sents, filler, rnd)),
                  min_sentences=6, other_rows=4, filler_sentences=12, min_filler=4, per_split=per_split,
                  shuffled=True)
