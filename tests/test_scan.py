"""End-to-end tests for dedup.scan on the seed fixtures and on small built corpora."""

from __future__ import annotations

import json

import pytest
from conftest import CREDITS_OTHER, DIGEST, INDEPENDENT, ORIGINAL, WITH_ADS

from dedup.dates import format_published
from dedup.model import Article, Problem
from dedup.clean.normalize import normalize_line
from dedup.model import Relation
from dedup.model import Report
from dedup.params import Params
from dedup.scan import scan, scan_articles


def find_pair(report: Report, x: str, y: str) -> dict | None:
    for p in report.pairs:
        if {p.a, p.b} == {x, y}:
            return p
    return None


def articles_by_id(report: Report) -> dict[str, Article]:
    return {a.id: a for a in report.articles}


def flat(text: str) -> str:
    """Normalised, with line breaks as spaces (evidence may span lines)."""
    return normalize_line(text)


# --- the seed fixtures -----------------------------------------------------------------

def test_fixture_ids_are_file_names(fixtures_report, fixtures_dir):
    ids = [a.id for a in fixtures_report.articles]
    assert ids == sorted(p.name for p in fixtures_dir.iterdir() if p.is_file())
    assert fixtures_report.problems == []


def test_digest_derives_from_original(fixtures_report):
    p = find_pair(fixtures_report, DIGEST, ORIGINAL)
    assert p is not None
    assert p.relation == "derived"
    assert p.source == ORIGINAL
    assert p.reasons
    paraphrases = [e for e in p.evidence if e.kind == "paraphrase"]
    assert len(paraphrases) >= 3


def test_evidence_spans_slice_the_original_files(fixtures_report, fixtures_dir):
    p = find_pair(fixtures_report, DIGEST, ORIGINAL)
    texts = {x: (fixtures_dir / x).read_text(encoding="utf-8") for x in (p.a, p.b)}
    assert p.evidence
    for e in p.evidence:
        for side in ("a", "b"):
            s, t = getattr(e, f"{side}_span")
            original = texts[getattr(p, side)]
            assert 0 <= s < t <= len(original)
            assert flat(original[s:t]) == flat(getattr(e, side)), (side, e.kind)


def test_evidence_text_is_from_the_bodies(fixtures_report):
    arts = articles_by_id(fixtures_report)
    p = find_pair(fixtures_report, DIGEST, ORIGINAL)
    for e in p.evidence:
        assert e.a in arts[p.a].body and e.b in arts[p.b].body
        assert e.kind in ("verbatim", "paraphrase")


def test_verbatim_evidence_is_the_same_text_on_both_sides(fixtures_report):
    p = find_pair(fixtures_report, DIGEST, ORIGINAL)
    verbatim = [e for e in p.evidence if e.kind == "verbatim"]
    assert verbatim
    for e in verbatim:
        assert e.a == e.b


@pytest.mark.parametrize("other", [CREDITS_OTHER, INDEPENDENT, WITH_ADS])
def test_independent_reports_are_at_most_related_to_the_original(fixtures_report, other):
    p = find_pair(fixtures_report, other, ORIGINAL)
    assert p is None or p.relation == "related"
    if p is not None:
        assert p.evidence == () and p.source is None


def test_no_derivation_among_independent_reports(fixtures_report):
    strong = [p for p in fixtures_report.pairs if p.relation.derives]
    assert [{p.a, p.b} for p in strong] == [{DIGEST, ORIGINAL}]


def test_fixture_story(fixtures_report):
    stories = fixtures_report.stories
    assert len(stories) == 1
    assert stories[0].root == ORIGINAL
    assert stories[0].members == tuple(sorted([DIGEST, ORIGINAL]))
    assert set(stories[0].related) <= {CREDITS_OTHER, INDEPENDENT, WITH_ADS}


def test_fixture_attribution_checks(fixtures_report):
    checks = fixtures_report.attribution
    credits_other = checks[CREDITS_OTHER]
    assert [c.status for c in credits_other] == ["unmatched"]
    assert credits_other[0].claim == "South China Morning Post"
    assert ORIGINAL in credits_other[0].articles
    # the original names its own outlet: a republished original
    assert [c.status for c in checks[ORIGINAL]] == ["self"]
    assert DIGEST not in checks  # the digest credits nobody


def test_fixture_metadata(fixtures_report):
    arts = articles_by_id(fixtures_report)
    assert format_published(arts[DIGEST].published) == "2023-12-11"
    assert format_published(arts[CREDITS_OTHER].published) == "2023-12-12"
    assert format_published(arts[INDEPENDENT].published) == "2024-03-05"
    assert format_published(arts[WITH_ADS].published) == "2023-12-13"
    assert arts[ORIGINAL].title.startswith("In Vietnam, a 'shared destiny'")
    assert "South China Morning Post" in (arts[ORIGINAL].publisher or "")
    assert arts[CREDITS_OTHER].attribution == ["South China Morning Post"]


def test_fixture_removed_boilerplate(fixtures_report):
    arts = articles_by_id(fixtures_report)
    original = arts[ORIGINAL].removed
    assert any(r.startswith("ticker: ") and "S&P 500" in r for r in original)
    assert any(r.startswith("ticker: ") and "%" in r for r in original)
    assert sum(r.startswith("ticker: ") for r in original) >= 20
    assert not any("S&P 500" in line or "(+0.03%)" in line for line in arts[ORIGINAL].body.split("\n"))
    ads = [r for r in arts[WITH_ADS].removed if "Kucoin" in r]
    assert len(ads) == 3 and all(r.startswith("ad: ") for r in ads)
    assert "Kucoin" not in arts[WITH_ADS].body
    assert any(r.startswith("comments: ") for r in arts[INDEPENDENT].removed)
    for a in fixtures_report.articles:
        for r in a.removed:
            reason, _, line = r.partition(": ")
            assert reason.isalpha() and line


def test_json_contract(fixtures_report):
    d = json.loads(json.dumps(fixtures_report.to_dict()))
    assert {"articles", "pairs", "clusters", "problems", "stats"} <= set(d)
    assert [a["id"] for a in d["articles"]] == [a.id for a in fixtures_report.articles]
    for a in d["articles"]:
        assert {"id", "title", "published", "publisher", "attribution", "attribution_check", "removed",
                "words"} <= set(a)
        assert isinstance(a["words"], int) and a["words"] > 0
    ids = {a["id"] for a in d["articles"]}
    assert d["pairs"]
    for p in d["pairs"]:
        assert {"a", "b", "relation", "source", "scores", "evidence"} <= set(p)
        assert p["a"] in ids and p["b"] in ids and p["a"] != p["b"]
        assert p["relation"] in [r.value for r in Relation]
        assert p["source"] in (None, p["a"], p["b"])
        assert {"cosine", "containment_ab", "containment_ba"} <= set(p["scores"])
        for e in p["evidence"]:
            assert {"kind", "a", "b", "a_span", "b_span", "similarity"} <= set(e)
    for c in d["clusters"]:
        assert {"root", "members"} <= set(c)
        assert c["root"] in c["members"] and set(c["members"]) <= ids


def test_pairs_sorted_strongest_first_and_unique(fixtures_report):
    strengths = [p.relation.strength for p in fixtures_report.pairs]
    assert strengths == sorted(strengths, reverse=True)
    keys = [frozenset((p.a, p.b)) for p in fixtures_report.pairs]
    assert len(keys) == len(set(keys))


def test_stats(fixtures_report):
    stats = fixtures_report.stats
    assert stats["articles"] == 5
    assert stats["candidates"] >= len(fixtures_report.pairs)
    assert sum(stats["pairs"].values()) == len(fixtures_report.pairs)
    assert len(fixtures_report.pairs) <= stats["candidates_compared"] <= stats["candidates"]
    assert set(stats["cpu_seconds"]) == set(stats["timings"]) - {"read"}
    assert all(v >= 0 for v in stats["cpu_seconds"].values()) and stats["cpu_seconds"]["sketch"] > 0


# --- built corpora -------------------------------------------------------------------------

RU = """Президент Китая Си Цзиньпин во вторник прибыл в Ханой с двухдневным государственным визитом.
Это его первая поездка во Вьетнам за последние шесть лет, сообщило государственное агентство.
Стороны планируют подписать более тридцати соглашений о сотрудничестве в области торговли, энергетики и транспорта.
Эксперты считают, что Пекин стремится укрепить политическое доверие с соседней страной.
Вьетнам в этом году уже повысил уровень отношений с Соединёнными Штатами и Японией.
Генеральный секретарь Нгуен Фу Чонг встретит китайского лидера в президентском дворце."""

ZH = """中国国家主席习近平周二抵达河内，开始为期两天的国事访问。
这是他六年来首次访问越南，官方媒体报道说。
双方计划签署三十多项合作协议，涉及贸易、能源和交通等领域。
专家认为，北京希望加强与邻国的政治互信。
越南今年已经将与美国和日本的关系提升到同一水平。
越共中央总书记阮富仲将在主席府迎接中国领导人。"""

UR = """پاکستان کی حکومت نے منگل کے روز نئے مالی سال کا بجٹ قومی اسمبلی میں پیش کیا۔
وزیر خزانہ نے کہا کہ ترقیاتی منصوبوں کے لیے اضافی رقم مختص کی گئی ہے۔
اپوزیشن جماعتوں نے بجٹ کو عوام دشمن قرار دیتے ہوئے احتجاج کیا۔
ماہرین معاشیات کا کہنا ہے کہ مہنگائی پر قابو پانا سب سے بڑا چیلنج ہوگا۔
کراچی اور لاہور میں تاجروں نے نئے ٹیکسوں کے خلاف ہڑتال کا اعلان کیا ہے۔"""


def test_multilingual_copies():
    report = scan_articles([
        Article(id="ru", text=RU),
        Article(id="ru+", text=RU + "\nПодписывайтесь на наш канал, чтобы не пропустить главные новости дня."),
        Article(id="zh", text=ZH),
        Article(id="zh+", text=ZH + "\n关注我们的公众号，获取更多最新新闻资讯。"),
        Article(id="ur", text=UR),
    ])
    ru, zh = find_pair(report, "ru", "ru+"), find_pair(report, "zh", "zh+")
    assert ru is not None and ru.relation in ("copy", "duplicate")
    assert zh is not None and zh.relation in ("copy", "duplicate")
    assert not [p for p in report.pairs if "ur" in (p.a, p.b)]
    # the shared passage is shown, and it slices the original texts
    texts = {a.id: a.text for a in report.articles}
    for p in (ru, zh):
        verbatim = [e for e in p.evidence if e.kind == "verbatim"]
        assert verbatim
        for e in verbatim:
            for side in ("a", "b"):
                s, t = getattr(e, f"{side}_span")
                assert flat(texts[getattr(p, side)][s:t]) == flat(getattr(e, side))


def test_exact_duplicate_in_small_corpus(maker):
    story = maker.article(4)
    report = scan_articles([
        Article(id="one", text=story),
        Article(id="two", text=maker.article(4)),
        Article(id="three", text=story),
        Article(id="four", text=maker.article(3)),
    ])
    assert [(p.a, p.b, p.relation) for p in report.pairs] == [("one", "three", "duplicate")]
    assert report.stories[0].members == ("one", "three")


def test_duplicate_despite_typography_copy_when_boilerplate_differs(maker):
    """Duplicate: the same text but for spaces and typography. The same article in other
    boilerplate (a reply link, a share bar, a copyright line) is a copy: republished."""
    story = maker.article(3)
    spaced = story.replace(" ", "\u00a0", 3).replace("\n\n", "\n  \n", 1)
    dressed = ("Leave a Reply\n" + spaced + "\nShare this article\n"
               "Copyright \u00a9 2024 Example Daily. All rights reserved.")
    report = scan_articles([Article(id="a", text=story), Article(id="b", text=spaced), Article(id="c", text=dressed),
                            Article(id="d", text=maker.article(3))])
    assert [(p.a, p.b, p.relation) for p in report.pairs] == [("a", "b", "duplicate"), ("a", "c", "copy"),
                                                               ("b", "c", "copy")]


def test_excerpt_is_partial_or_copy(maker):
    host = maker.article(6)
    excerpt = host.split("\n\n")[2]
    report = scan_articles([Article(id="host", text=host), Article(id="excerpt", text=excerpt),
                            Article(id="other", text=maker.article(4))])
    p = find_pair(report, "host", "excerpt")
    assert p is not None and p.relation in ("partial", "copy")
    assert find_pair(report, "host", "other") is None
    if p.relation == "partial":  # an excerpt of host, or host embeds it: undecided without a date
        assert p.source is None and "excerpt" in p.reasons[0]
    dated = scan_articles([Article(id="host", text=host, published="2024-01-02"),
                           Article(id="excerpt", text=excerpt, published="2024-01-03")])
    assert find_pair(dated, "host", "excerpt").source == "host"


def test_problems_passed_through(maker):
    problem = Problem("x.bin", "binary file, not text (skipped)")
    report = scan_articles([Article(id="a", text=maker.article(2))], [problem])
    assert report.problems == [problem]
    assert report.to_dict()["problems"] == [{"path": "x.bin", "line": None, "level": "error",
                                              "message": problem.message}]


def test_empty_corpus_and_problems_passed_through():
    problem = Problem("x.bin", "binary file, not text (skipped)")
    report = scan_articles([], [problem])
    assert report.articles == [] and report.pairs == [] and report.stories == []
    assert report.problems == [problem]
    assert report.to_dict()["problems"] == [{"path": "x.bin", "line": None, "level": "error",
                                              "message": problem.message}]


def test_corpus_without_content_terms():
    report = scan_articles([Article(id="a", text="Leave a Reply\nView all"),
                            Article(id="b", text="It is what it is.")])
    assert [a.id for a in report.articles] == ["a", "b"]
    assert report.pairs == []


def test_scan_reads_paths_and_reports_missing(tmp_path, maker):
    (tmp_path / "a.txt").write_text(maker.article(3), encoding="utf-8")
    report = scan([str(tmp_path), str(tmp_path / "missing.txt")])
    assert [a.id for a in report.articles] == ["a.txt"]
    assert [p.path for p in report.problems] == [str(tmp_path / "missing.txt")]


def test_features_spilled_to_files_give_the_same_report(monkeypatch, fixtures_dir):
    import sys

    from dedup.ingest import read_articles

    scan_module = sys.modules["dedup.scan"]  # the package's ``scan`` names the function

    def run():
        articles, _ = read_articles([str(fixtures_dir)])
        return [(p.a, p.b, p.relation, p.source, p.scores) for p in scan_articles(articles).pairs]

    in_memory = run()
    monkeypatch.setattr(scan_module, "SPILL_MIN", 0)
    assert run() == in_memory


def test_a_large_scan_spills_to_files_and_reports_the_same(monkeypatch, fixtures_dir, maker):
    import dataclasses
    import importlib

    from dedup import candidates
    from dedup.ingest import read_articles
    from dedup.model import stored
    from dedup.spill import Spilled, SpilledValue

    story = maker.article(6)
    extra = [Article(id=f"m{k}", text=story if k < 2 else maker.article(5)) for k in range(6)]

    def corpus() -> list[Article]:
        articles, _ = read_articles([str(fixtures_dir)])
        return articles + [dataclasses.replace(a) for a in extra]

    def result(report: Report) -> dict:
        d = report.to_dict()
        d.pop("stats")
        return d

    scan_module = importlib.import_module("dedup.scan")  # the package's "scan" is the function
    in_memory = scan_articles(corpus())
    folders = []
    original = candidates.doc_pairs_from_keys

    def partitioned(*args, folder=None, **kwargs):  # a partition every 50 sentences: the shuffle is used
        folders.append(folder)
        return original(*args, folder=folder, part_items=50, **kwargs)

    monkeypatch.setattr(scan_module, "SPILL_MIN", 1)
    monkeypatch.setattr(candidates, "doc_pairs_from_keys", partitioned)
    spilled = scan_articles(corpus())
    assert result(spilled) == result(in_memory) and len(in_memory.pairs) >= 10
    assert folders and folders[0] is not None
    assert all(type(stored(a, "text")) is Spilled for a in spilled.articles)
    assert [a.text for a in spilled.articles] == [a.text for a in in_memory.articles]
    with_evidence = [p for p in spilled.pairs if p.evidence]
    assert with_evidence and all(type(stored(p, "evidence")) is SpilledValue for p in with_evidence)
    assert [p.evidence for p in spilled.pairs] == [p.evidence for p in in_memory.pairs]


def test_a_large_corpus_is_spilled_while_it_is_read(monkeypatch, tmp_path, maker):
    """Past SPILL_MIN articles, texts go to the spill as they are read, a chunk at a time:
    never all in memory at once; the scan of the file reports as before."""
    import importlib

    from dedup.model import stored
    from dedup.spill import Spilled

    scan_module = importlib.import_module("dedup.scan")  # the package's "scan" is the function
    texts = [maker.article(3) for _ in range(7)]
    held = []

    def articles():
        made = []
        for k, text in enumerate(texts):
            held.append(sum(type(stored(a, "text")) is str for a in made))  # texts still in memory
            made.append(Article(id=str(k), text=text))
            yield made[-1]

    monkeypatch.setattr(scan_module, "SPILL_MIN", 3)
    out, store = scan_module.read_spilling(articles(), chunk=2)
    assert store is not None and [a.text for a in out] == texts
    assert all(type(stored(a, "text")) is Spilled for a in out)
    assert held == [0, 1, 2, 0, 1, 0, 1]  # spilled at the 3rd article, then every 2
    small, none = scan_module.read_spilling(Article(id=str(k), text=t) for k, t in enumerate(texts[:2]))
    assert none is None and [type(stored(a, "text")) for a in small] == [str, str]

    feed = tmp_path / "feed.jsonl"
    feed.write_text("".join(json.dumps({"id": str(k), "text": t}) + "\n" for k, t in enumerate(texts[:3] * 2)),
                    encoding="utf-8")
    in_memory = scan([str(feed)])
    monkeypatch.setattr(scan_module, "SPILL_MIN", 2)
    spilled = scan([str(feed)])
    assert [(p.a, p.b, p.relation, p.scores) for p in spilled.pairs] == \
        [(p.a, p.b, p.relation, p.scores) for p in in_memory.pairs] and len(in_memory.pairs) == 3


def test_dates_read_once_name_the_original(tmp_path, maker):
    """Dates in any common form are compared as dates; an impossible one is a warning naming
    the file, line and article, and tells nothing about which came first."""
    story = maker.article(3)
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": "later", "text": story + "\nShared by a reader.", "published": "Dec 12, 2023"},
            {"id": "first", "text": story, "published": "Sat, 9 Dec 2023 10:00:00 GMT"},
            {"id": "bad", "text": maker.article(3), "published": "Feb 31, 2023"}]
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    report = scan([str(feed)])
    p = find_pair(report, "later", "first")
    assert p.relation in ("copy", "duplicate") and p.source == "first"
    assert "first was published first (2023-12-09 vs 2023-12-12)" in p.reasons
    (problem,) = report.problems
    assert (problem.path, problem.line, problem.level) == (str(feed), 3, "warning")
    assert "article bad: publication date 'Feb 31, 2023' not used (day 31 is out of range for February 2023)" \
        in problem.message
    by_id = {a["id"]: a for a in report.to_dict()["articles"]}
    assert by_id["first"]["published"] == "2023-12-09T10:00:00+00:00" and by_id["bad"]["published"] is None


def test_cut_page_with_comments_is_a_truncated_copy(maker):
    """A story's page cut after three paragraphs, "Continue reading" and a share bar (removed
    as repeated across the site's pages), then readers' comments quoting other stories: a
    copy, whatever follows the article on the page (before the empty lines cleaning leaves,
    the comments joined the article and the pair was partial)."""
    story = [maker.paragraph(2) for _ in range(8)]
    others = [maker.paragraph(2) for _ in range(40)]
    share = "Share: Facebook Twitter Email"
    pages = [Article(id="wire", text="\n".join(["Council decides", *story]))]
    pages += [Article(id=f"page{n}", text="\n".join(["Council decides", *story[:3], "Continue reading at the Post",
                                                      share, *others[n * 3: n * 3 + 3]])) for n in range(3)]
    pages += [Article(id=f"other{n}", text="\n".join([f"Other news {n}", *others[10 + n: 14 + n], share]))
              for n in range(2 * Params().repeat_min_docs)]
    report = scan_articles(pages)
    assert all(f"repeated: {share}" in a.removed for a in report.articles if a.id.startswith("page"))
    copies = [p for p in report.pairs if "wire" in (p.a, p.b) and p.relation is Relation.COPY]
    assert len(copies) == 3 and all(p.scores.containment_ba == 1.0 or p.scores.containment_ab == 1.0 for p in copies)
