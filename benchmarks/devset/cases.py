"""Labelled cases of the failure classes of issue 17, built from text by path (see README.md).

Every case is made by a seeded ``random.Random`` from source texts that are read, never
stored in the project: BBC News articles (``bbc-news/``) and Urdu news rows
(``urdu-news-text/rows.jsonl``) from ``../shared/benchmarks``. A source belongs to the
*dev* part (used while changing rules) or the *held-out* part (only reported) by a hash of
its id (:func:`split_of`), so a rule tuned on one part cannot have seen the other.

Each builder returns :class:`Case` records: articles as JSONL rows (``id``, ``text``,
``publisher``, ``published``) and gold pairs (``a,b,relation[,source]``, as
:mod:`dedup.evaluate` reads them).
"""

from __future__ import annotations

import json
import random
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

SPLITS = ("dev", "held-out")
EPOCH = "2024-03-{day:02d}T{hour:02d}:00:00Z"


def split_of(source_id: str) -> str:
    """``held-out`` for a third of the sources (by CRC-32 of the id), ``dev`` for the rest."""
    return "held-out" if zlib.crc32(source_id.encode()) % 3 == 0 else "dev"


@dataclass
class Case:
    """Articles and gold pairs of one class in one part."""

    name: str
    split: str
    rows: list[dict] = field(default_factory=list)
    gold: list[tuple[str, str, str, str]] = field(default_factory=list)  # a, b, relation, source ("" for none)
    labelled: set[frozenset[str]] = field(default_factory=set)

    def add(self, id_: str, text: str, publisher: str, day: int, hour: int = 9) -> str:
        self.rows.append({"id": id_, "text": text, "publisher": publisher,
                          "published": EPOCH.format(day=day, hour=hour)})
        return id_

    def label(self, a: str, b: str, relation: str, source: str = "") -> None:
        """Label the pair ``a``, ``b`` (a pair labelled already keeps its first label)."""
        if a != b and frozenset((a, b)) not in self.labelled:
            self.labelled.add(frozenset((a, b)))
            self.gold.append((a, b, relation, source))

    def write(self, folder: Path) -> tuple[Path, Path]:
        folder.mkdir(parents=True, exist_ok=True)
        articles, gold = folder / "articles.jsonl", folder / "gold.csv"
        with open(articles, "w", encoding="utf-8") as f:
            for row in self.rows:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
        with open(gold, "w", encoding="utf-8") as f:
            f.write("a,b,relation,source\n")
            for a, b, rel, src in self.gold:
                f.write(f"{a},{b},{rel},{src}\n")
        return articles, gold


# --- sources ---------------------------------------------------------------------------

@dataclass
class Story:
    id: str
    title: str
    paragraphs: list[str]


_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")


def bbc_stories(root: Path) -> list[Story]:
    """BBC articles of at least 11 sentences as (headline, paragraphs of two sentences, as
    agencies write them), ids ``<topic>/<NNN>``, in a stable order."""
    out = []
    for path in sorted(root.glob("*/*.txt")):
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
        lines = [x.strip() for x in text.split("\n")]
        sentences = [x for line in lines[1:] for x in _SENTENCE.split(line) if x]
        paragraphs = [" ".join(sentences[k: k + 2]) for k in range(0, len(sentences), 2)]  # wire style
        if len(paragraphs) >= 6:
            out.append(Story(f"{path.parent.name}/{path.stem}", lines[0], paragraphs))
    return out


def urdu_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


# --- page chrome (our own text) --------------------------------------------------------

SITES = [f"{a} {b}" for a in ("Daily", "Morning", "Evening", "Metro", "Valley", "Coast", "City", "National")
         for b in ("Herald", "Courier", "Post", "Tribune", "Gazette")]
_SECTIONS = ["Home", "News", "World", "Business", "Sport", "Opinion", "Culture", "Tech", "Weather", "Video",
             "Local", "Politics", "Health", "Travel", "Obituaries", "Puzzles"]
_COOKIE = ["We use cookies to improve your experience on our site and to show you relevant advertising.",
           "By continuing to browse you agree to our use of cookies. Manage your preferences in Settings.",
           "This website stores data such as cookies to enable essential site functionality and analytics."]
_COMMENTERS = ["jd_1970", "northern_light", "PatH", "skeptic42", "Marianne B", "old reader", "T. Okafor"]
_REMARKS = ["Typical. Nobody ever asks the people who actually live here what they want.",
            "Great reporting, thanks for keeping us informed about this.",
            "I will believe it when I see it, we have heard all of this before many times.",
            "Does anyone know whether this affects pensioners in the north as well?",
            "The comments section is always more entertaining than the article itself.",
            "My brother works there and says the real story is very different from this."]


def chrome(site: str, rnd: random.Random, stories: list[Story]) -> tuple[list[str], list[str]]:
    """The lines a site puts before and after an article: navigation, cookie banner,
    related and most-read links, comments (stock remarks, or readers quoting other
    stories), footer: varied per page."""
    headlines = [s.title for s in rnd.sample(stories, 9)]
    nav = " | ".join(rnd.sample(_SECTIONS, 8))
    before = [site, nav, rnd.choice(_COOKIE), f"Advertisement", f"By {rnd.choice(['Staff', 'Wire', 'Agency'])} "
              f"reporter, {site}"]
    related = [f"Related: {h}" for h in headlines[:4]]
    most_read = ["Most read"] + [f"{k}. {h}" for k, h in enumerate(headlines[4:], 1)]
    comments = [f"Comments ({rnd.randint(2, 6)})"] + [  # a stock remark, or a sentence of another story
        f"{rnd.choice(_COMMENTERS)}: {rnd.choice(_REMARKS) if rnd.random() < 0.3 else rnd.choice(rnd.choice(stories).paragraphs)}"
        for _ in range(rnd.randint(2, 6))]
    after = ["Share this article: Facebook Twitter Email WhatsApp", *related, *most_read, *comments,
             f"(c) 2024 {site}. All rights reserved.", "Privacy | Terms | Contact us | Advertise"]
    return before, after


def in_page(story: Story, site: str, rnd: random.Random, stories: list[Story], cut: int | None = None) -> str:
    """``story`` as a page of ``site``: its chrome around the headline and body; ``cut``:
    only the first ``cut`` paragraphs, then a "Read more" link."""
    before, after = chrome(site, rnd, stories)
    body = story.paragraphs if cut is None else story.paragraphs[:cut] + [f"Read more at {site}"]
    return "\n\n".join([*before, story.title, *body, *after])


def plain(story: Story) -> str:
    return "\n\n".join([story.title, *story.paragraphs])


# --- English classes -------------------------------------------------------------------

def fanout(stories: list[Story], copies: dict[str, int], background: int = 150) -> list[Case]:
    """One wire story per part syndicated ``copies[part]`` times, each copy in its own page
    chrome on one of 40 sites: two in three of them teasers (the headline and first paragraph,
    then "Read more"), a sixth cut after 3-6 paragraphs, the rest whole; among ``background``
    other stories. Gold: every copy vs the original (copy, source the original)."""
    out = []
    for split, n in copies.items():
        pool = [s for s in stories if split_of(s.id) == split]
        rnd = random.Random(f"fanout-{split}")
        wire = rnd.choice(pool)
        case = Case("fanout", split)
        original = case.add(f"wire/{wire.id}", plain(wire), "Agency Wire", 1, 6)
        for k in range(n):
            cut = 1 if k % 3 else rnd.randint(3, 6) if k % 2 else None
            site = SITES[k % len(SITES)]
            copy = case.add(f"copy{k:04d}", in_page(wire, site, rnd, stories, cut), site, 1 + rnd.randint(0, 2),
                            7 + rnd.randint(0, 10))
            case.label(original, copy, "copy", original)
        for s in rnd.sample([s for s in pool if s is not wire], background):
            case.add(f"other/{s.id}", plain(s), "Agency Wire", 2)
        out.append(case)
    return out


def syndicated(stories: list[Story], per_split: int = 30) -> list[Case]:
    """Agency stories run whole on three sites and as teasers (headline, two paragraphs,
    "Read more") on three (class 1, added 2026-12-08): each story's opening is in seven
    articles, enough for the corpus-wide repeated-line rule to see it, its later paragraphs
    in four, too few. Gold: each page vs the agency's story (copy), and one page vs a page of
    the story before it (unrelated)."""
    out = []
    for split in SPLITS:
        rnd = random.Random(f"syndicated-{split}")
        pool = [s for s in stories if split_of(s.id) == split]
        chosen = rnd.sample(pool, per_split)
        case = Case("syndicated", split)
        for k, story in enumerate(chosen):
            source = case.add(f"wire/{story.id}", plain(story), "Agency Wire", 3, 6)
            sites = rnd.sample(SITES, 6)
            for n, site in enumerate(sites):
                cut = 2 if n >= 3 else None
                page = case.add(f"{'teaser' if cut else 'page'}{n}/{story.id}",
                                in_page(story, site, rnd, stories, cut), site, 3, 8 + n)
                case.label(source, page, "copy", source)
            if k:
                case.label(f"page0/{story.id}", f"page0/{chosen[k - 1].id}", "unrelated")
        out.append(case)
    return out


def pages(stories: list[Story], per_split: int = 60) -> list[Case]:
    """Copies inside web pages (class 2): each source vs its copy inside one site's chrome
    (copy), vs its copy cut after 3-5 paragraphs with "Read more" (copy), and that site's
    page of another story (unrelated: the same chrome, different bodies). Sites carry 2-4
    pages each, too few for the corpus-wide repeated-line rule to see their chrome."""
    out = []
    for split in SPLITS:
        rnd = random.Random(f"pages-{split}")
        pool = [s for s in stories if split_of(s.id) == split]
        chosen = rnd.sample(pool, per_split * 2)
        case = Case("pages", split)
        for k in range(per_split):
            src, other = chosen[2 * k], chosen[2 * k + 1]
            site = SITES[k % len(SITES)]
            a = case.add(f"src/{src.id}", plain(src), "Agency Wire", 3, 6)
            page = case.add(f"page/{src.id}", in_page(src, site, rnd, stories), site, 3, 12)
            cut = case.add(f"cut/{src.id}", in_page(src, SITES[-1 - k % 7], rnd, stories, rnd.randint(3, 5)),
                           SITES[-1 - k % 7], 4, 8)
            neighbour = case.add(f"page/{other.id}", in_page(other, site, rnd, stories), site, 3, 13)
            case.label(a, page, "copy", a)
            case.label(a, cut, "copy", a)
            case.label(page, neighbour, "unrelated")
        out.append(case)
    return out


def _quote(story: Story, rnd: random.Random) -> str:
    sentences = [s for p in story.paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if 12 <= len(s.split()) <= 40]
    pick = rnd.choice(sentences).rstrip(".!?")
    speaker = rnd.choice(["the minister", "a spokesman", "the chief executive", "the coach", "officials"])
    return f'"{pick}," {speaker} said.'


def quotes(stories: list[Story], per_split: int = 50) -> list[Case]:
    """Quotations and captions (class 3): two independent stories of one topic that both
    carry the same quoted statement and the same agency photo caption (unrelated); and,
    so the class also measures what must still be found, a story with three paragraphs
    of another embedded without quotation marks (partial, source the other)."""
    out = []
    for split in SPLITS:
        rnd = random.Random(f"quotes-{split}")
        pool = [s for s in stories if split_of(s.id) == split]
        case = Case("quotes", split)
        used: set[str] = set()
        for k in range(per_split):
            topic = rnd.choice(["business", "politics", "sport", "tech", "entertainment"])
            free = [s for s in pool if s.id.startswith(topic) and s.id not in used]
            a, b, c, d = rnd.sample(free, 4)
            used.update(x.id for x in (a, b, c, d))
            quote = _quote(c, rnd)
            caption = f"Photo: {c.paragraphs[0].split('.')[0]}. (Reuters/{rnd.choice(_COMMENTERS)})"

            def with_quote(s: Story) -> str:
                body = list(s.paragraphs)
                body.insert(rnd.randint(1, len(body) - 1), quote)
                return "\n\n".join([s.title, caption, *body])

            ia = case.add(f"q{k}/a/{a.id}", with_quote(a), "Agency Wire", 5)
            ib = case.add(f"q{k}/b/{b.id}", with_quote(b), "Daily Herald", 5, 14)
            case.label(ia, ib, "unrelated")
            start = rnd.randint(0, len(c.paragraphs) - 3)
            embedded = list(d.paragraphs)
            embedded[2:2] = c.paragraphs[start: start + 3]
            ic = case.add(f"q{k}/c/{c.id}", plain(c), "Agency Wire", 4)
            idd = case.add(f"q{k}/d/{d.id}", "\n\n".join([d.title, *embedded]), "Metro Post", 6)
            case.label(ic, idd, "partial", ic)
        out.append(case)
    return out


def writethroughs(stories: list[Story], per_split: int = 50) -> list[Case]:
    """Updated agency stories (class 4): a writethrough keeps most paragraphs verbatim but
    reorders the middle ones, replaces the lede with a new one (a later sentence moved up,
    an update line), drops one or two and adds two or three from another story of the
    topic (partial, source the first version); the first version vs an unrelated story
    of the topic (unrelated)."""
    out = []
    for split in SPLITS:
        rnd = random.Random(f"writethrough-{split}")
        pool = [s for s in stories if split_of(s.id) == split]
        case = Case("writethrough", split)
        for k, s in enumerate(rnd.sample(pool, per_split)):
            same_topic = [x for x in pool if x.id.split("/")[0] == s.id.split("/")[0] and x is not s]
            extra, other = rnd.sample(same_topic, 2)
            body = list(s.paragraphs[1:])
            middle = body[1:-1]
            rnd.shuffle(middle)
            body = [body[0], *middle, body[-1]]
            for _ in range(rnd.randint(1, 2)):
                body.pop(rnd.randrange(len(body)))
            for p in rnd.sample(extra.paragraphs, 3)[: rnd.randint(2, 3)]:
                body.insert(rnd.randint(1, len(body)), p)
            lede_pick = rnd.choice(s.paragraphs[2:])
            lede = f"UPDATED: {lede_pick.split('. ')[0].rstrip('.')}, officials confirmed on Tuesday."
            first = case.add(f"v1/{s.id}", plain(s), "Agency Wire", 7, 6)
            second = case.add(f"v2/{s.id}", "\n\n".join([f"{s.title} (updated)", lede, *body]), "Agency Wire", 7, 15)
            unrelated = case.add(f"other{k}/{other.id}", plain(other), "Agency Wire", 7, 10)
            case.label(first, second, "partial", first)
            case.label(first, unrelated, "unrelated")
        out.append(case)
    return out
