"""Tests for dedup.report.html: the page's content and its safety, then the page in Chromium.

The browser tests need Chromium, ChromeDriver and selenium; they are skipped without
them unless DEDUP_REQUIRE_BROWSER=1 (set by .ci/run), which makes their absence a failure.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import re
import shutil
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import DIGEST, ORIGINAL, TextMaker

from dedup.model import Article
from dedup.report import render
from dedup.report.html import PALETTE, content_security_policy, json_for_script, mark, segments
from dedup.model import Report
from dedup.scan import scan_articles

# --- a small DOM, enough to check structure and text ----------------------------------

VOID = {"meta", "input", "br", "hr", "img", "link", "source", "wbr", "area", "base", "col", "embed", "track"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def words(self) -> str:
        """The text with a space between elements, whitespace collapsed."""
        parts = [c if isinstance(c, str) else c.words() for c in self.children]
        return " ".join(" ".join(parts).split())

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, pred) -> list[Node]:
        return [n for n in self.iter() if pred(n)]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.cur = Node("#document", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.cur)
        self.cur.children.append(node)
        if tag not in VOID:
            self.cur = node

    def handle_startendtag(self, tag, attrs):
        self.cur.children.append(Node(tag, dict(attrs), self.cur))

    def handle_endtag(self, tag):
        node = self.cur
        while node is not None and node.tag != tag:
            node = node.parent
        assert node is not None, f"</{tag}> closes nothing"
        self.cur = node.parent

    def handle_data(self, data):
        self.cur.children.append(data)


def parse(page: str) -> Node:
    b = _Builder()
    b.feed(page)
    b.close()
    assert b.cur is b.root, f"unclosed <{b.cur.tag}>"
    return b.root


def pair_node(dom: Node, report: Report, x: str, y: str) -> Node:
    i = next(k for k, p in enumerate(report.pairs) if {p.a, p.b} == {x, y})
    return dom.find_all(lambda n: n.attrs.get("id") == f"p{i}")[0]


def side(pair: Node, where: str) -> Node:
    return pair.find_all(lambda n: {"side", where} <= n.classes())[0]


def text_box(pair: Node, where: str) -> Node:
    return side(pair, where).find_all(lambda n: "text" in n.classes())[0]


# --- a corpus with a hostile article ----------------------------------------------------

HOSTILE_TEXT = '<script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=2">'
HOSTILE_ID = '<img src=x onerror="window.__pwned=3">.txt'
HOSTILE_TITLE = '<script>window.__pwned=4</script> Talks <b>end</b> & "more"'


@pytest.fixture(scope="module")
def hostile_report() -> Report:
    """``calm.txt`` and a copy of it carrying markup in its id, title and text."""
    maker = TextMaker(7)
    paragraphs = [maker.paragraph() for _ in range(6)]
    calm = "\n\n".join(paragraphs)
    hostile = "\n\n".join(paragraphs[:3] + [HOSTILE_TEXT] + paragraphs[3:])
    return scan_articles([Article(id="calm.txt", text=calm),
                          Article(id=HOSTILE_ID, text=hostile, title=HOSTILE_TITLE)], workers=1)


# --- pieces -----------------------------------------------------------------------------

def test_segments_cover_the_text_and_name_their_spans():
    rng = random.Random(3)
    for _ in range(200):
        text = "x" * rng.randint(0, 40)
        spans = [tuple(sorted((rng.randint(-5, 45), rng.randint(-5, 45)))) for _ in range(rng.randint(0, 6))]
        pieces = segments(text, spans)
        assert "".join(text[s:e] for s, e, _ in pieces) == text
        assert all(s < e for s, e, _ in pieces)
        for s, e, covering in pieces:
            for pos in range(s, e):
                assert covering == tuple(k for k, (a, b) in enumerate(spans) if a <= pos < b)


def test_mark_nests_overlapping_spans_without_breaking_markup():
    text = "One <two> & three four five six"
    page = mark(text, [(0, 20), (4, 9), (15, 23)], ["paraphrase", "verbatim", "verbatim"], [(10, 20)], [(27, 31)])
    dom = parse(page)
    assert dom.text() == text
    spans = dom.find_all(lambda n: n.tag == "span")
    assert all(not any(isinstance(c, Node) for c in s.children) for s in spans)  # flat: no nesting
    by_text = {s.text(): s for s in spans}
    assert by_text["<two>"].attrs["data-k"] == "1"  # the innermost passage's colour
    assert by_text["<two>"].attrs["data-p"] == "0 1" and {"v", "c1"} <= by_text["<two>"].classes()
    assert {"para", "c0", "q", "qs"} <= by_text["& thr"].classes()
    assert by_text["ee fo"].attrs["data-p"] == "0 2" and "q" in by_text["ee fo"].classes()
    assert {"hl", "v", "c2"} <= by_text["ur "].classes() and "q" not in by_text["ur "].classes()
    assert by_text[" six"].classes() == {"rm"}


def test_json_for_script_cannot_close_its_block():
    value = {"t": "</script><!-- & <script>", "u": "\u2028"}
    text = json_for_script(value)
    assert not set("<>&") & set(text)
    assert json.loads(text) == value


def test_content_security_policy_fetches_nothing():
    policy = content_security_policy("alert(1)")
    assert policy.startswith("default-src 'none';")
    digest = base64.b64encode(hashlib.sha256(b"alert(1)").digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]


# --- the fixtures report ----------------------------------------------------------------

@pytest.fixture(scope="module")
def fixtures_page(fixtures_report) -> str:
    return render(fixtures_report, "html")


def test_overview_comes_first(fixtures_page):
    order = [fixtures_page.index(x) for x in ('class="tiles"', 'id="search"', 'id="stories"', 'id="pairs"',
                                              'id="attribution"', 'id="removed"')]
    assert order == sorted(order)


def test_story_tree_and_graph(fixtures_report, fixtures_page):
    dom = parse(fixtures_page)
    story = dom.find_all(lambda n: n.attrs.get("id") == "s1")[0]
    tree = story.find_all(lambda n: "tree" in n.classes())[0]
    root = tree.children[0]
    assert "original" in root.text() and ORIGINAL in root.text()
    child = root.find_all(lambda n: n.tag == "ul")[0]
    assert DIGEST in child.text() and "derived" in child.text() and "one-way" in child.text()
    svg = story.find_all(lambda n: n.tag == "svg")[0]
    edges = svg.find_all(lambda n: n.tag == "a")
    derived = [e for e in edges if "derived" in e.classes()]
    assert len(derived) == 1 and derived[0].find_all(lambda n: n.tag == "text")[0].text() == "derived"
    assert len([e for e in edges if "rel" in e.classes()]) == 3  # 001, 002, 004: dashed
    i = next(k for k, p in enumerate(fixtures_report.pairs) if p.relation == "derived")
    assert derived[0].attrs["href"] == f"#p{i}"


def test_derived_pair_side_by_side_with_the_same_passages(fixtures_report, fixtures_page):
    dom = parse(fixtures_page)
    pair = pair_node(dom, fixtures_report, DIGEST, ORIGINAL)
    assert pair.attrs["data-relation"] == "derived"
    p = next(p for p in fixtures_report.pairs if {p.a, p.b} == {DIGEST, ORIGINAL})
    articles = {a.id: a for a in fixtures_report.articles}
    left, right = text_box(pair, "left"), text_box(pair, "right")
    assert ORIGINAL in side(pair, "left").text() and "original" in side(pair, "left").text()
    assert left.text() == articles[ORIGINAL].text and right.text() == articles[DIGEST].text

    def passages(box: Node) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for n in box.find_all(lambda n: "hl" in n.classes()):
            for k in n.attrs["data-p"].split():
                out.setdefault(k, set())
            out[n.attrs["data-k"]].add(next(c for c in n.classes() if re.fullmatch(r"c\d", c)))
        return out

    on_left, on_right = passages(left), passages(right)
    assert set(on_left) == set(on_right) == {str(k) for k in range(len(p.evidence))}
    for k, colours in on_left.items():
        if colours:
            assert colours == on_right[k] == {f"c{int(k) % PALETTE}"}
    kinds = {n.attrs["data-k"]: ("v" in n.classes()) for n in left.find_all(lambda n: "hl" in n.classes())}
    assert kinds == {k: p.evidence[int(k)].kind == "verbatim" for k in kinds}
    # a verbatim passage's text is the same on both sides
    ev = next(e for e in p.evidence if e.kind == "verbatim")
    assert articles[ORIGINAL].text[slice(*ev.b_span if p.b == ORIGINAL else ev.a_span)] in left.text()
    quotes = left.find_all(lambda n: "q" in n.classes())
    assert "".join(q.text() for q in quotes) == "community of shared destiny"


def test_pair_shows_scores_reasons_and_removed_boilerplate(fixtures_report, fixtures_page):
    dom = parse(fixtures_page)
    pair = pair_node(dom, fixtures_report, DIGEST, ORIGINAL)
    text = pair.words()
    assert f"Why {ORIGINAL} is the original:" in text and "one-way: 73%" in text
    assert "TF-IDF cosine 0.429" in text and "text in aligned sentences 30% 73%" in text
    removed = side(pair, "left").find_all(lambda n: n.tag == "details" and "removed" in n.classes())[0]
    assert "32 lines" in removed.text() and "ticker: U.S. markets closed" in removed.text()
    ticker = text_box(pair, "left").find_all(lambda n: n.text() == "U.S. markets closed")[0]
    assert "rm" in ticker.classes()


def test_related_pairs_are_built_from_the_json(fixtures_report, fixtures_page):
    dom = parse(fixtures_page)
    data = json.loads(dom.find_all(lambda n: n.attrs.get("id") == "dedup-data")[0].text())
    related = [i for i, p in enumerate(fixtures_report.pairs) if p.relation == "related"]
    assert sorted(map(int, data["related"]["pairs"])) == related
    for i in related:
        node = dom.find_all(lambda n: n.attrs.get("id") == f"p{i}")[0]
        body = node.find_all(lambda n: "body" in n.classes())[0]
        assert body.attrs.get("data-lazy") == "1" and not body.children
    per_article, pair, quotes = data["related"]["pairs"][str(related[0])]
    assert [data["related"]["labels"][r[0]] for r in pair][0] == "TF-IDF cosine"
    assert [a[0] for a in data["articles"]] == [a.id for a in fixtures_report.articles]


def test_filters_search_and_keys_are_there(fixtures_page):
    dom = parse(fixtures_page)
    buttons = dom.find_all(lambda n: "filter" in n.classes())
    assert [b.attrs["data-relation"] for b in buttons] == ["duplicate", "copy", "partial", "derived", "related"]
    assert all(b.attrs["aria-pressed"] == "true" and b.tag == "button" for b in buttons)
    assert dom.find_all(lambda n: n.attrs.get("id") == "search")[0].tag == "input"
    assert "next / previous pair" in dom.text()


def test_empty_report():
    dom = parse(render(Report([], [], [], {}), "html"))
    assert "No article derives from another." in dom.text()


# --- safety -----------------------------------------------------------------------------

def _assert_safe(page: str) -> Node:
    dom = parse(page)
    for n in dom.iter():
        for name, value in n.attrs.items():
            assert not name.startswith("on"), f"event handler attribute {name} on <{n.tag}>"
            if name in ("src", "href", "xlink:href", "action", "formaction", "srcset", "poster", "data"):
                assert (value or "").startswith("#"), f"{name}={value!r} on <{n.tag}>"
    scripts = dom.find_all(lambda n: n.tag == "script")
    assert [s.attrs.get("type") for s in scripts] == ["application/json", None]
    code = scripts[1].text()
    assert "innerHTML" not in code and "eval(" not in code and "fetch(" not in code
    meta = dom.find_all(lambda n: n.attrs.get("http-equiv") == "Content-Security-Policy")[0]
    assert meta.attrs["content"] == content_security_policy(code)
    style = "".join(n.text() for n in dom.find_all(lambda n: n.tag == "style"))
    assert "url(" not in style and "@import" not in style
    assert not re.search(r"https?://", "".join(s.text() for s in scripts[1:]) + style)
    return dom


def test_fixtures_page_is_self_contained_and_safe(fixtures_page):
    _assert_safe(fixtures_page)


def test_hostile_article_is_escaped_everywhere(hostile_report):
    page = render(hostile_report, "html")
    dom = _assert_safe(page)
    for raw in (HOSTILE_TEXT, HOSTILE_ID, HOSTILE_TITLE, "<script>window", "<img src=x", "<b>end"):
        assert raw not in page
    pair = hostile_report.pairs[0]
    assert pair.relation in ("copy", "partial") and pair.evidence
    node = dom.find_all(lambda n: n.attrs.get("id") == "p0")[0]
    hostile_side = "left" if _left(pair) == HOSTILE_ID else "right"
    assert HOSTILE_TEXT in text_box(node, hostile_side).text()  # shown as text
    assert HOSTILE_ID in node.find_all(lambda n: n.tag == "summary")[0].text()
    assert HOSTILE_TITLE in side(node, hostile_side).text()
    assert text_box(node, "left").find_all(lambda n: "hl" in n.classes())
    data = json.loads(dom.find_all(lambda n: n.attrs.get("id") == "dedup-data")[0].text())
    assert [HOSTILE_ID, HOSTILE_TITLE] in data["articles"]


def _left(p: dict) -> str:
    return p.b if p.source == p.b else p.a


# --- in Chromium ------------------------------------------------------------------------

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"


def _missing_browser() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (os.access(path, os.X_OK) or shutil.which(Path(path).name)):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = _missing_browser()
    if missing:
        if os.environ.get("DEDUP_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DEDUP_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM if os.access(CHROMIUM, os.X_OK) else shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="dedup-chromium-")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", f"--user-data-dir={profile}", "--window-size=1280,900"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver_path = CHROMEDRIVER if os.access(CHROMEDRIVER, os.X_OK) else shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _open(browser, tmp_path: Path, report: Report):
    path = tmp_path / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    browser.get(path.as_uri())
    return browser


def _visible_pairs(browser) -> list[str]:
    return browser.execute_script(
        "return Array.from(document.querySelectorAll('details.pair')).filter(p => !p.hidden).map(p => p.id)")


def _errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_browser_shows_the_pair_with_its_passages(browser, tmp_path, fixtures_report):
    from selenium.webdriver.common.by import By

    _open(browser, tmp_path, fixtures_report)
    i = next(k for k, p in enumerate(fixtures_report.pairs) if {p.a, p.b} == {DIGEST, ORIGINAL})
    pair = browser.find_element(By.ID, f"p{i}")
    assert not browser.find_element(By.CSS_SELECTOR, f"#p{i} .sides").is_displayed()
    pair.find_element(By.TAG_NAME, "summary").click()
    assert browser.find_element(By.CSS_SELECTOR, f"#p{i} .sides").is_displayed()
    colours = browser.execute_script("""
        const side = w => Array.from(document.querySelectorAll(`#p${arguments[0]} .side.${w} .hl[data-k]`));
        const out = {};
        for (const w of ['left', 'right'])
          for (const el of side(w)) {
            const s = getComputedStyle(el);
            (out[el.dataset.k] = out[el.dataset.k] || {})[w] = [s.backgroundColor, s.borderBottomStyle];
          }
        return out;""", i)
    evidence = next(p for p in fixtures_report.pairs if {p.a, p.b} == {DIGEST, ORIGINAL}).evidence
    assert len(colours) >= len(evidence) - 2  # a passage nested wholly in another shows the inner colour
    for k, both in colours.items():
        assert both.get("left") == both.get("right"), k
        assert both["left"][0] not in ("rgba(0, 0, 0, 0)", "transparent")
        assert both["left"][1] == ("none" if evidence[int(k)].kind == "verbatim" else "dotted")
    assert len({c["left"][0] for c in colours.values()}) >= min(PALETTE, len(colours)) // 2
    assert _errors(browser) == []  # the script ran under its CSP hash, nothing was blocked


def test_browser_filter_search_and_keys(browser, tmp_path, fixtures_report):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, tmp_path, fixtures_report)
    n = len(fixtures_report.pairs)
    derived = next(k for k, p in enumerate(fixtures_report.pairs) if p.relation == "derived")
    browser.find_element(By.CSS_SELECTOR, "button.filter[data-relation=related]").click()
    assert _visible_pairs(browser) == [f"p{derived}"]
    assert browser.find_element(By.ID, "shown").text == f"1 of {n} pairs"
    browser.find_element(By.CSS_SELECTOR, "button.filter[data-relation=related]").click()
    assert len(_visible_pairs(browser)) == n

    search = browser.find_element(By.ID, "search")
    search.send_keys("shared destiny")  # 003's title
    with_003 = {f"p{k}" for k, p in enumerate(fixtures_report.pairs) if ORIGINAL in (p.a, p.b)}
    assert set(_visible_pairs(browser)) == with_003
    search.clear()
    search.send_keys("no such article")
    assert _visible_pairs(browser) == [] and browser.find_element(By.ID, "none").is_displayed()
    search.send_keys(Keys.ESCAPE)
    search.clear()
    search.send_keys("x")  # the input event restores the list
    search.send_keys(Keys.BACKSPACE)

    body = browser.find_element(By.TAG_NAME, "body")
    browser.execute_script("document.activeElement.blur()")
    body.send_keys("/")
    assert browser.switch_to.active_element == search
    search.send_keys(Keys.ESCAPE)
    body.send_keys("j")
    first, second = (browser.find_element(By.CSS_SELECTOR, f"#p{k} > summary") for k in (0, 1))
    assert browser.switch_to.active_element == first
    assert browser.execute_script("return getComputedStyle(document.activeElement).outlineStyle") == "solid"
    browser.switch_to.active_element.send_keys("j")
    assert browser.switch_to.active_element == second
    browser.switch_to.active_element.send_keys(Keys.ENTER)
    assert browser.find_element(By.ID, "p1").get_attribute("open") is not None
    assert "written independently" in browser.find_element(By.CSS_SELECTOR, "#p1 .body").text  # built lazily
    assert "TF-IDF cosine" in browser.find_element(By.CSS_SELECTOR, "#p1 .scores").text
    browser.switch_to.active_element.send_keys("k")
    assert browser.switch_to.active_element == first

    link = browser.find_element(By.CSS_SELECTOR, "#s1 a.compare")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", link)
    link.click()  # the story's link opens the pair
    assert browser.find_element(By.ID, f"p{derived}").get_attribute("open") is not None
    assert _errors(browser) == []


def test_browser_does_not_run_hostile_text(browser, tmp_path, hostile_report):
    from selenium.webdriver.common.by import By

    _open(browser, tmp_path, hostile_report)
    browser.find_element(By.CSS_SELECTOR, "#p0 > summary").click()
    hostile_side = "left" if _left(hostile_report.pairs[0]) == HOSTILE_ID else "right"
    text = browser.find_element(By.CSS_SELECTOR, f"#p0 .side.{hostile_side} .text").text
    assert HOSTILE_TEXT in text
    assert HOSTILE_ID in browser.find_element(By.CSS_SELECTOR, "#p0 > summary").text
    assert HOSTILE_TITLE in browser.find_element(By.CSS_SELECTOR, f"#p0 .side.{hostile_side} .title").text
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert browser.execute_script("return document.querySelectorAll('img').length") == 0
    assert browser.execute_script("return document.querySelectorAll('script:not([type])').length") == 1


def test_committed_example_report():
    """reports/fixtures.html, linked from the README: the seeds' report, safe, naming its command."""
    page = (Path(__file__).resolve().parent.parent / "reports" / "fixtures.html").read_text(encoding="utf-8")
    dom = _assert_safe(page)
    assert "<code>dedup scan fixtures/ -o reports/fixtures.html</code>" in page
    pairs = dom.find_all(lambda n: n.tag == "details" and n.attrs.get("data-relation") == "derived")
    assert len(pairs) == 1 and f"{ORIGINAL}→{DIGEST}" in pairs[0].find_all(lambda n: n.tag == "summary")[0].text()


def test_segments_of_many_spans_name_every_span_covering_them():
    rng = random.Random(5)
    text = "x" * 2_000
    spans = [tuple(sorted((rng.randint(-5, 2_005), rng.randint(-5, 2_005)))) for _ in range(400)]
    spans += [(10, 10), (50, 60), (50, 60)]  # empty, and twice the same
    pieces = segments(text, spans)
    assert "".join(text[s:e] for s, e, _ in pieces) == text
    for s, e, covering in pieces:
        assert covering == tuple(k for k, (a, b) in enumerate(spans) if a <= s and e <= b and a < b)
