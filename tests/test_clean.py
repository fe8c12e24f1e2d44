"""Tests for dedup.clean: boilerplate rules, header metadata, span mapping, repeated lines."""

from __future__ import annotations

import pytest

from dedup.params import Params
from dedup.dates import format_published
from dedup.model import Article
from dedup.clean import clean, clean_corpus, drop_repeated_lines, text_span
from dedup.clean.layout import blocks, captions, own_words, quotations
from dedup.clean.normalize import normalize_line
from dedup.sketch import tokens
from dedup.sketch.tokens import words_and_spans


def cleaned(text: str, **kw) -> Article:
    return clean(Article(id="x", text=text, **kw))


def reasons(article: Article) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for entry in article.removed:
        reason, line = entry.split(": ", 1)
        out.setdefault(reason, []).append(line)
    return out


SENTENCE = "The minister said the talks in Hanoi went well and more were planned."

TICKER = """\
\u2022 S&P 500
    +1.23 (+0.10%)
\u2022 Dow 30

    -12.50 (-0.03%)
\u2022 Nasdaq
    +4.00 (+1.10%)
\u2022 Gold
    -0.0670 (-1.55%)"""


# --- ticker blocks ----------------------------------------------------------------

def test_ticker_block_removed_percentage_sentence_kept():
    pct = "Shares of the company rose 2.5% (+0.4 points) on Tuesday after the bank held rates."
    a = cleaned(TICKER + "\n\n" + SENTENCE + "\n" + pct + "\n+3.10 (+0.20%)")
    assert a.body.split("\n") == [SENTENCE, pct, "+3.10 (+0.20%)"]
    got = reasons(a)["ticker"]
    assert "\u2022 S&P 500" in got and "+1.23 (+0.10%)" in got and "-0.0670 (-1.55%)" in got
    assert len(got) == 8
    assert not any(SENTENCE in r or pct in r for r in a.removed)


def test_two_values_are_not_a_ticker():
    text = "\u2022 Gold\n+1.00 (+0.10%)\n\u2022 Silver\n-2.00 (-0.20%)\n" + SENTENCE
    a = cleaned(text)
    assert "ticker" not in reasons(a)


@pytest.mark.parametrize("gap", ["\n\n", "\n"])
def test_short_headline_after_ticker_is_kept(gap):
    a = cleaned(TICKER + gap + "Xi visits Hanoi\n\n" + SENTENCE)
    assert a.title == "Xi visits Hanoi"
    assert "ticker: Xi visits Hanoi" not in a.removed
    assert len(reasons(a)["ticker"]) == 8


def test_ticker_labels_without_bullets_and_label_before_block():
    text = "Markets closed\nGold\n+1.00 (+0.10%)\nSilver\n-2.00 (-0.20%)\nCrude Oil\n-0.50 (-0.70%)\n"
    a = cleaned(text + SENTENCE)
    assert a.body == SENTENCE
    assert len(reasons(a)["ticker"]) == 7


# --- line rules ---------------------------------------------------------------------

@pytest.mark.parametrize("line, reason", [
    ("\u25b6 [Kucoin] Transaction fee 0% discount CODE\u25c0", "ad"),
    ("\u25ba Get 20% off with our partner", "ad"),
    ("Use promo code SAVE10 at checkout", "ad"),
    ("Advertisement", "ad"),
    ("Subscribe to our newsletter for daily updates.", "promo"),
    ("Follow us on Twitter for the latest news.", "promo"),
    ("Sign up now and you will never miss a story.", "promo"),
    ("Do you have questions? Get the answers with SCMP Knowledge, our new platform of curated content.",
     "promo"),
    ("Additional reporting by Laura Zhou", "credit"),
    ("Reporting by Jane Doe; Editing by John Smith", "credit"),
    ("Copyright \u00a9 2024 Example Daily News Ltd. All rights reserved.", "copyright"),
    ("(c) 2024 Example Daily", "copyright"),
    ("\u00a9 2024 Example Daily", "copyright"),
    ("Copyright 2023 Example Daily Ltd. All rights reserved.", "copyright"),
    ("Leave a Reply", "comments"),
    ("Your email address will not be published. Required fields are marked *", "comments"),
    ("3 Comments", "comments"),
    ("Comments", "comments"),
    ("Comments (3)", "comments"),
    ("Leave a comment", "comments"),
    ("Comments are closed.", "comments"),
    ("Show comments", "comments"),
    ("Photo credit: Jane Doe", "credit"),
    ("View all", "navigation"),
    ("Share this article", "navigation"),
    ("Skip to main content", "navigation"),
    ("Tags: China, Vietnam, diplomacy", "navigation"),
    ("Next article", "navigation"),
])
def test_boilerplate_line_removed(line, reason):
    a = cleaned(SENTENCE + "\n" + line + "\n" + SENTENCE.replace("minister", "premier"))
    assert a.removed == [f"{reason}: {normalize_line(line)}"]
    assert normalize_line(line) not in a.body.split("\n")
    assert SENTENCE in a.body.split("\n")


@pytest.mark.parametrize("line", [
    "Millions subscribe to the service.",  # promo word, no "you/our" voice
    "The newsletter business of the company grew 10% last year.",
    "Home prices in Hanoi rose sharply last year, according to official figures.",
    "Sponsored by the state, the programme trains thousands of engineers every year.",
])
def test_ordinary_sentences_kept(line):
    a = cleaned(SENTENCE + "\n" + line)
    assert a.body.split("\n") == [SENTENCE, line]
    assert a.removed == []


@pytest.mark.parametrize("line", [
    "A court in Hanoi ruled on the copyright case against the film studio on Monday.",
    "Comments made by the minister drew criticism from the opposition party on Monday.",
    "Copyright law was the first item on the agenda of the assembly.",
    "Comments on the draft law are due by Friday, the ministry said.",
    "Credit card use rose 5% in the year, the central bank said.",
])
def test_news_sentences_mentioning_copyright_or_comments_kept(line):
    a = cleaned(SENTENCE + "\n" + line)
    assert a.body.split("\n") == [SENTENCE, line]


@pytest.mark.parametrize("line", ["Photo: John Smith/Getty Images", "Image: Example Daily"])
def test_photo_credit_removed(line):
    a = cleaned(SENTENCE + "\n" + line)
    assert a.removed == [f"credit: {line}"]


def test_copyright_line_sets_publisher():
    a = cleaned(SENTENCE + "\nCopyright (c) 2023. South China Morning Post Publishers Ltd. All rights reserved.")
    assert a.publisher is not None
    from dedup.clean.metadata import same_outlet
    assert same_outlet(a.publisher, "South China Morning Post")
    assert a.body == SENTENCE


def test_copyright_does_not_override_known_publisher():
    a = cleaned(SENTENCE + "\n\u00a9 2024 Other Outlet Ltd.", publisher="Example Daily")
    assert a.publisher == "Example Daily"


# --- header: title, dateline, byline, attribution ---------------------------------------

def test_header_metadata_and_title():
    text = ("Xi Jinping visits Vietnam amid new ties\n\nDecember 13, 2023 | by b1og.net\n\n"
            + SENTENCE + "\nAnother line that could look like a title")
    a = cleaned(text)
    assert a.title == "Xi Jinping visits Vietnam amid new ties"
    assert format_published(a.published) == "2023-12-13"
    assert a.publisher == "b1og.net" and a.byline is None
    assert "metadata: December 13, 2023 | by b1og.net" in a.removed
    # the title stays in the body; only the first title-like line is the title
    assert a.body.split("\n")[0] == a.title


def test_byline_line_sets_byline():
    a = cleaned("A headline for the story\nBy Jane Doe\n" + SENTENCE)
    assert a.byline == "Jane Doe"
    assert "metadata: By Jane Doe" in a.removed
    assert a.body.split("\n") == ["A headline for the story", "", SENTENCE]  # an empty line where it was


def test_date_prefix_keeps_rest_of_line():
    a = cleaned("date 2023-12-11 " + SENTENCE)
    assert format_published(a.published) == "2023-12-11"
    assert a.body == SENTENCE
    assert a.removed == ["metadata: date 2023-12-11"]


def test_dates_after_the_header_are_text():
    later = "March 5, 2024"
    a = cleaned(SENTENCE + "\n" + later + "\n" + SENTENCE)
    assert a.published is None
    assert later in a.body.split("\n")


def test_no_title_when_text_starts_with_a_sentence():
    assert cleaned(SENTENCE + "\nShort heading here").title is None


def test_attribution_line_recorded_and_removed():
    url = "https://www.scmp.com/news/china/article/3154064/x"
    a = cleaned(SENTENCE + f"\nSource: South China Morning Post (url: {url})")
    assert a.attribution == ["South China Morning Post"]
    assert a.attribution_urls == [url]
    assert a.removed == [f"attribution: Source: South China Morning Post (url: {url})"]
    assert a.body == SENTENCE


def test_wire_dateline_credit_kept_in_body():
    line = "HANOI (Reuters) - Chinese President Xi Jinping arrived in Vietnam on Tuesday for talks."
    a = cleaned(line + "\n" + SENTENCE)
    assert a.attribution == ["Reuters"]
    assert a.body.split("\n")[0] == line  # the lead paragraph is text, not boilerplate


def test_removed_entries_are_reason_colon_line():
    a = cleaned("Leave a Reply\n" + TICKER + "\n" + SENTENCE + "\nView all\n\u25b6 Buy now\u25c0")
    assert a.removed
    for entry in a.removed:
        reason, line = entry.split(": ", 1)
        assert reason in {"ticker", "comments", "navigation", "ad"}
        assert line == normalize_line(line) and line  # the normalised line, non-empty


def test_body_is_normalised_and_line_origins_point_at_lines():
    text = "Leave a Reply\n  The \u201cend\u201d \u2014 near.\n\n\u00a0Second\u00a0line here."
    a = cleaned(text)
    assert a.body == 'The "end" - near.\nSecond line here.'
    assert len(a.line_origins) == 2
    for origin, line in zip(a.line_origins, a.body.split("\n")):
        stop = text.find("\n", origin)
        assert normalize_line(text[origin: None if stop < 0 else stop]) == line


# --- text_span ------------------------------------------------------------------

SPAN_TEXT = (
    "Ticker-free headline for the story\n"
    "date 2024-03-05   The  \u201cbig\u201d deal \u2014 signed in Ha\u00a0Noi.\n\n"
    "Leave a Reply\n"
    "\u00a0 Officials said the \ufb01nal text was ready.\u200b It \u2018works\u2019.\n"
    "\u25b6 Buy now\u25c0\n"
    "  Second  line   here , with   spaces .\n"
)


def _word_spans(body: str):
    """Spans that start and end on token boundaries (what evidence passages are)."""
    toks = tokens(body)
    for i, (_, s, _) in enumerate(toks):
        for _, _, e in toks[i:i + 12]:
            yield s, e


def test_text_span_maps_body_spans_back_to_original():
    a = cleaned(SPAN_TEXT)
    body = a.body
    checked = 0
    for s, e in _word_spans(body):
        if "\n" in body[s:e]:
            continue
        ts, te = text_span(a, (s, e))
        assert 0 <= ts < te <= len(SPAN_TEXT)
        assert normalize_line(SPAN_TEXT[ts:te]) == body[s:e], (body[s:e], SPAN_TEXT[ts:te])
        checked += 1
    assert checked > 100


def test_text_span_across_adjacent_lines():
    text = "  First \u201cline\u201d of text.\nSecond\u00a0line of text.\n"
    a = cleaned(text)
    s, e = a.body.index("line"), a.body.index("Second") + len("Second")
    ts, te = text_span(a, (s, e))
    assert text[ts:te] == "line\u201d of text.\nSecond"
    assert normalize_line(text[ts:te]) == normalize_line(a.body[s:e])


def test_text_span_with_combining_marks():
    text = "A headline for the story\nOfficials in Ha Noi: Nguye\u0302\u0303n said the talks went well."
    a = cleaned(text)
    for word in ("Officials", "said", "talks went well."):
        s = a.body.index(word)
        ts, te = text_span(a, (s, s + len(word)))
        assert text[ts:te] == word
    for word, raw in (("Nguy\u1ec5n", "Nguye\u0302\u0303n"), ("Noi: Nguy\u1ec5", "Noi: Nguye\u0302\u0303")):
        s = a.body.index(word)
        ts, te = text_span(a, (s, s + len(word)))
        assert text[ts:te] == raw  # a span ends after the marks of its last character


def test_text_span_whole_lines():
    a = cleaned(SPAN_TEXT)
    at = 0
    for line in a.body.split("\n"):
        ts, te = text_span(a, (at, at + len(line)))
        assert normalize_line(SPAN_TEXT[ts:te]) == line
        at += len(line) + 1


def test_text_span_after_repeated_lines_dropped():
    footer = "Follow Example Daily for the latest headlines every morning."
    arts = [Article(id=str(i), text=f"Story number {i} begins here with facts.\n{footer}\n"
                                    f"Story {i} ends with a quote from officials.") for i in range(6)]
    clean_corpus(arts)
    for a in arts:
        assert footer not in a.body
        last = a.body.split("\n")[-1]
        s = a.body.index(last)
        ts, te = text_span(a, (s, s + len(last)))
        assert a.text[ts:te] == last


# --- drop_repeated_lines ----------------------------------------------------------------

FOOTER = "Follow Example Daily for the latest headlines every morning."


def test_footer_shared_by_many_different_articles_removed(maker):
    n = Params().repeat_min_docs + 1
    arts = clean_corpus([Article(id=str(i), text="\n".join(
        [maker.sentence(), maker.sentence(), FOOTER, maker.sentence()])) for i in range(n)])
    for a in arts:
        assert FOOTER not in a.body.split("\n")
        assert f"repeated: {FOOTER}" in a.removed
        assert a.body.split("\n")[2] == ""  # an empty line stands where the footer was
        assert len(a.body.split("\n")) == 4
        assert len(a.line_origins) == 4


def test_line_in_too_few_articles_kept(maker):
    n = Params().repeat_min_docs - 1
    arts = clean_corpus([Article(id=str(i), text="\n".join([maker.sentence(), FOOTER, maker.sentence()]))
                         for i in range(n)])
    assert all(FOOTER in a.body.split("\n") for a in arts)


def test_copies_of_one_story_keep_their_lines(maker):
    story = "\n".join(maker.sentence() for _ in range(5))
    n = Params().repeat_min_docs + 1
    arts = clean_corpus([Article(id=str(i), text=story) for i in range(n)])
    for a in arts:
        assert a.body == story
        assert not any(r.startswith("repeated:") for r in a.removed)


def test_copies_plus_footer_articles(maker):
    """Copies of one story do not shield a footer that many other articles carry."""
    n = Params().repeat_min_docs + 1
    story = "\n".join(maker.sentence() for _ in range(5))
    copies = [Article(id=f"c{i}", text=story) for i in range(n)]
    others = [Article(id=f"o{i}", text="\n".join([maker.sentence(), maker.sentence(), FOOTER]))
              for i in range(n)]
    out = clean_corpus(copies + others)
    assert all(a.body == story for a in out[:n])
    assert all(FOOTER not in a.body for a in out[n:])


def test_teaser_pages_keep_the_story_they_carry(maker):
    """Pages carrying only a story's headline and first paragraph amid many links to other
    stories keep that paragraph: it is most of their prose (links and headlines are not)."""
    title, lead = maker.sentence(5), maker.paragraph(2)
    n = Params().repeat_min_docs + 3
    pages = [Article(id=f"t{i}", text="\n".join([title, lead, "Read more at Example Daily",
                                                 *(f"Related: {maker.sentence(7)}" for _ in range(12))]))
             for i in range(n)]
    out = clean_corpus(pages)
    assert all(lead in a.body.split("\n") and title in a.body.split("\n") for a in out)


def test_story_run_whole_on_some_sites_and_as_teasers_on_others_keeps_its_opening(maker):
    """Its opening is in every page, its later paragraphs only in the whole ones (fewer than
    repeat_min_docs): the whole pages share all their prose with the story's other pages."""
    lead, rest = [maker.paragraph(2) for _ in range(2)], [maker.paragraph(3) for _ in range(4)]
    whole = [Article(id=f"w{i}", text="\n".join([f"Site {i} News", *lead, *rest, FOOTER])) for i in range(4)]
    teasers = [Article(id=f"t{i}", text="\n".join([f"Site {i} Daily", *lead, "Read more"])) for i in range(2)]
    others = [Article(id=f"o{i}", text="\n".join([maker.paragraph(3), maker.paragraph(3), FOOTER])) for i in range(4)]
    out = clean_corpus(whole + teasers + others)
    assert all(all(p in a.body.split("\n") for p in lead) for a in out[:6])
    assert all(FOOTER not in a.body for a in out)  # in 8 pages, 4 sharing no text and 4 a story


def test_long_footer_in_many_different_articles_removed(maker):
    footer = "This article is for general information only and is not advice of any kind whatsoever."
    n = Params().repeat_min_docs + 1
    out = clean_corpus([Article(id=str(i), text="\n".join([maker.paragraph(3), footer])) for i in range(n)])
    assert all(footer not in a.body for a in out)


def test_drop_repeated_lines_empty_corpus_and_empty_bodies():
    drop_repeated_lines([])
    arts = [clean(Article(id=str(i), text="Leave a Reply")) for i in range(6)]
    drop_repeated_lines(arts)
    assert all(a.body == "" for a in arts)


# --- layout: own words, blocks, captions -------------------------------------------------


PROSE = "The council approved the new budget on Monday after a long debate in the chamber."


def test_blocks_break_at_two_short_lines_not_one():
    body = "\n".join([PROSE, "A subheading", PROSE, "Related: one", "Most read", PROSE])
    spans = blocks(body)
    assert len(spans) == 2
    assert body[spans[0][0]:spans[0][1]].count(PROSE) == 2 and body[spans[1][0]:spans[1][1]] == PROSE
    assert blocks("short\nlines only") == [(0, len("short\nlines only"))]


def test_blocks_count_the_empty_lines_left_by_cleaning():
    """An empty line (where cleaning removed lines) is a line that is not prose: with a
    "Read more" line left, or as the two marks of several removed lines, the article ends."""
    one, two = "\n".join([PROSE, "", PROSE]), "\n".join([PROSE, "Read more at the Post", "", PROSE])
    assert len(blocks(one)) == 1 and len(blocks(two)) == 2 and len(blocks(f"{PROSE}\n\n\n{PROSE}")) == 2
    assert len(blocks(f"{PROSE}\n***\n{PROSE}")) == 1  # a line of symbols alone is passed over



@pytest.mark.parametrize("line", ["Photo: The mayor at the site. (Reuters/Jane Doe)", "Image copyright Getty Images",
                                  "The mayor at the site on Monday (AP Photo/Evan Vucci)", "Pictured: the new bridge",
                                  "A rally in the capital. (AFP)"])
def test_caption_and_credit_lines(line):
    body = f"{PROSE}\n{line}\n{PROSE}"
    assert [body[s:e] for s, e in captions(body)] == [line]


def test_prose_is_not_a_caption():
    body = f"{PROSE}\nThe photo agency said on Monday it would appeal against the ruling in the high court."
    assert captions(body) == []


def test_own_words_leave_out_quotations_and_captions():
    body = f'{PROSE}\nPhoto: The chamber. (Reuters)\n"We will build the new bridge next year," she said.'
    words, spans = words_and_spans(body)
    own, block = own_words(body, spans)
    kept = [w for w, o in zip(words, own) if o]
    assert "chamber" in kept and "photo" not in kept and "bridge" not in kept and "said" in kept
    assert [body[s:e] for s, e in quotations(body)] == ["We will build the new bridge next year,"]
    assert block.min() == 0 and block.max() == 0


def test_comments_section_after_the_text_is_dropped_to_the_end():
    text = "\n".join([PROSE] * 5 + ["Comments (2)", "reader1: " + PROSE, "Jo B: Great piece.", "Privacy | Terms"])
    a = clean(Article(id="x", text=text))
    assert a.body == "\n".join([PROSE] * 5)
    assert a.removed[0] == "comments: Comments (2)" and len(a.removed) == 4


def test_a_comments_link_near_the_top_is_not_the_section():
    text = "\n".join(["Title of it", "12 comments", PROSE, PROSE])
    a = clean(Article(id="x", text=text))
    assert a.body.count(PROSE) == 2 and a.removed == ["comments: 12 comments"]


def test_a_stray_quote_mark_does_not_make_the_text_between_quotations_a_quotation():
    body = 'The sign read ") and then" and the copied passage runs on between them, then "Done here at last," he said.'
    assert [body[s:e] for s, e in quotations(body)] == ["Done here at last,"]


def test_a_doubled_opening_quote_mark_still_opens_a_quotation():
    body = '""It would have been impossible to go through at three," the chief executive said.'
    assert [body[s:e] for s, e in quotations(body)] == ["It would have been impossible to go through at three,"]


def test_removed_lines_leave_empty_lines_in_the_body():
    """Lines removed between kept ones leave one empty line each (two at most), at the
    newline before them, so that text offsets of the other lines stay right."""
    a = cleaned(f"{SENTENCE}\nAdvertisement\n{SENTENCE}\nShare this\nAdvertisement\nSubscribe to our newsletter\n"
                f"{SENTENCE}\nAdvertisement")
    assert a.body.split("\n") == [SENTENCE, "", SENTENCE, "", "", SENTENCE]
    lines = a.body.split("\n")
    for line, origin in zip(lines, a.line_origins):
        assert a.text[origin: origin + len(line)] == line
        if not line:
            assert a.text[origin] == "\n"


def test_repeated_lines_dropped_leave_empty_lines(maker):
    """drop_lines keeps the same marks: one empty line per line dropped, two at most, the
    marks already there counted."""
    n = Params().repeat_min_docs + 1
    texts = [[maker.sentence(), FOOTER, "Advertisement", FOOTER, maker.sentence(), FOOTER] for _ in range(n)]
    for a, t in zip(clean_corpus([Article(id=str(i), text="\n".join(t)) for i, t in enumerate(texts)]), texts):
        assert a.body.split("\n") == [t[0], "", "", t[4]]  # three lines gone between: two marks; none at the end
        assert a.line_origins[:2] == [0, len(t[0])]  # the marks at the newline before the first line gone
