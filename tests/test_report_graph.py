"""Tests for dedup.report.graph: a story's tree and its SVG drawing."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dedup.model import Pair, Relation, Scores, Story
from dedup.report.graph import MAX_PER_ROW, MAX_RELATED, NODE_H, short, story_tree, svg

SVG = "{http://www.w3.org/2000/svg}"


def pair(a: str, b: str, relation: str, source: str | None, cosine: float = 0.5) -> Pair:
    return Pair(a, b, Relation(relation), source, scores=Scores(cosine=cosine))


def story(root: str, members: list[str], related: list[str]) -> Story:
    return Story(root, tuple(members), tuple(related))


def draw(story: Story, pairs: list[Pair]) -> ET.Element:
    text = svg(story, pairs, range(len(pairs)), {})
    return ET.fromstring(text.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))


def boxes(root: ET.Element) -> dict[str, tuple[float, float]]:
    """Full id (from the box's title) -> (x, y) of its box."""
    out = {}
    for g in root.iter(f"{SVG}g"):
        rect = g.find(f"{SVG}rect")
        out[g.find(f"{SVG}title").text.split(" (")[0]] = (float(rect.get("x")), float(rect.get("y")))
    return out


def test_tree_follows_direction_then_undirected_pairs():
    pairs = [pair("b", "r", "copy", "r"), pair("c", "b", "partial", None), pair("d", "c", "derived", "d")]
    st = story("r", ["b", "c", "d", "r"], [])
    tree = story_tree(st, pairs, range(3))
    assert [(n.id, n.parent, n.pair, n.depth) for n in tree] == [
        ("r", None, None, 0), ("b", "r", 0, 1), ("c", "b", 1, 2), ("d", "c", 2, 3)]  # d only against its direction


def test_tree_ignores_related_and_outside_pairs():
    pairs = [pair("x", "r", "related", None), pair("a", "r", "derived", "r"), pair("a", "z", "copy", "z")]
    st = story("r", ["a", "r"], ["x"])
    assert [n.id for n in story_tree(st, pairs, range(3))] == ["r", "a"]


def test_layers_top_down_and_wide_layers_wrap():
    n = MAX_PER_ROW + 2
    kids = [f"k{j}" for j in range(n)]
    pairs = [pair(k, "r", "copy", "r") for k in kids]
    root = draw(story("r", ["r", *kids], []), pairs)
    pos = boxes(root)
    assert pos["r"][1] < min(pos[k][1] for k in kids)
    assert len({pos[k][1] for k in kids}) == 2  # wrapped onto a second row
    assert len(root.findall(f".//{SVG}line")) == n
    assert all(e.get("href", "").startswith("#p") for e in root.iter(f"{SVG}a"))


def test_related_row_dashed_and_counted():
    related = [f"x{j}" for j in range(MAX_RELATED + 3)]
    pairs = [pair("a", "r", "derived", "r")] + [pair(x, "a", "related", None, 0.3) for x in related]
    root = draw(story("r", ["a", "r"], related), pairs)
    pos = boxes(root)
    drawn = [x for x in related if x in pos]
    assert len(drawn) == MAX_RELATED and all(pos[x][1] > pos["a"][1] + NODE_H for x in drawn)
    labels = [t.text for t in root.iter(f"{SVG}text")]
    assert "+3 more related" in labels
    rel_edges = [a for a in root.iter(f"{SVG}a") if "rel" in a.get("class").split()]
    assert len(rel_edges) == MAX_RELATED
    derived = [a for a in root.iter(f"{SVG}a") if "derived" in a.get("class").split()]
    assert derived[0].find(f"{SVG}line").get("marker-end") == "url(#dedup-arrow)"


def test_ids_and_titles_escaped():
    evil = '<script>x</script>"&.txt'
    text = svg(story(evil, [evil, "b"], []), [pair("b", evil, "copy", evil)], [0],
               {evil: '<img src=x onerror="y">'})
    assert "<script>" not in text and "<img" not in text and "&lt;img src=x onerror=&quot;y&quot;&gt;" in text
    ET.fromstring(text.replace("<svg ", f'<svg xmlns="{SVG[1:-1]}" ', 1))  # well formed


def test_short_keeps_the_end():
    assert short("a" * 30 + ".txt", 12).endswith("a.txt") and len(short("a" * 30, 12)) == 12
