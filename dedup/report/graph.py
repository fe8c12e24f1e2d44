"""A story as a tree (who derives from whom) and as an inline SVG drawing of it.

The tree is a breadth-first walk from the story's root along its derived-or-stronger
pairs, source to derived; a pair with no known source is walked both ways. The drawing
is layered: the root on top, each article one row below the one it was reached from,
related articles (same event, written independently) in a grey row at the bottom.

>>> from dedup.model import Pair, Relation, Scores, Story
>>> pairs = [Pair("d", "r", Relation.DERIVED, "r"), Pair("c", "d", Relation.COPY, "d"),
...          Pair("x", "r", Relation.RELATED, scores=Scores(cosine=0.3))]
>>> story = Story("r", ("c", "d", "r"), ("x",))
>>> [(n.id, n.parent, n.depth) for n in story_tree(story, pairs, range(3))]
[('r', None, 0), ('d', 'r', 1), ('c', 'd', 2)]
>>> svg(story, pairs, range(3), {}).count("<line")  # two derivations, one related edge
3
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from html import escape

from dedup.model import Pair, Story

NODE_W, NODE_H = 168, 34  # px, one article's box
GAP_X, GAP_Y = 22, 62  # between boxes; GAP_Y leaves room for the edge labels
PAD = 12
MAX_PER_ROW = 5  # boxes side by side; a wider layer wraps onto more rows
MAX_RELATED = 4  # related articles drawn; the rest are counted in a "+N more" box
MORE = "\x00more"  # the "+N more" box's key (no article id holds a NUL)


@dataclass(frozen=True, slots=True)
class Node:
    """An article in a story's tree, reached from ``parent`` through pair ``pair``."""

    id: str
    parent: str | None
    pair: int | None  # index into the report's pairs
    depth: int


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def story_tree(story: Story, pairs: Sequence[Pair], indices: Iterable[int]) -> list[Node]:
    """The story's members in breadth-first order from the root (see the module docstring).

    ``indices`` are the report's pairs that touch the story; related ones are ignored.
    """
    members = set(story.members)
    steps: dict[str, list[tuple[str, int]]] = {m: [] for m in members}
    loose: dict[str, list[tuple[str, int]]] = {m: [] for m in members}  # every edge, both ways
    for i in indices:
        p = pairs[i]
        if p.relation == "related" or p.a not in members or p.b not in members:
            continue
        for x, y in ((p.a, p.b), (p.b, p.a)):
            loose[x].append((y, i))
            if p.source in (None, x) or p.source not in (p.a, p.b):
                steps[x].append((y, i))
    nodes = [Node(story.root, None, None, 0)]
    _walk(nodes, steps)
    _walk(nodes, loose)  # members reached only against a known direction
    seen = {n.id for n in nodes}
    nodes += [Node(m, None, None, 1) for m in sorted(members - seen)]  # not connected: not expected
    return nodes


def _walk(nodes: list[Node], edges: dict[str, list[tuple[str, int]]]) -> None:
    """Extend ``nodes`` breadth-first along ``edges``, each article once."""
    seen = {n.id for n in nodes}
    k = 0
    while k < len(nodes):
        n = nodes[k]
        for other, i in edges.get(n.id, ()):
            if other not in seen:
                seen.add(other)
                nodes.append(Node(other, n.id, i, n.depth + 1))
        k += 1


def related_links(story: Story, pairs: Sequence[Pair], indices: Iterable[int]) -> dict[str, int]:
    """For each related article of the story, its most similar member's pair (by cosine)."""
    members, related = set(story.members), set(story.related)
    best: dict[str, int] = {}
    for i in indices:
        p = pairs[i]
        if p.relation != "related":
            continue
        for x, y in ((p.a, p.b), (p.b, p.a)):
            if x in related and y in members:
                if x not in best or p.scores.cosine > pairs[best[x]].scores.cosine:
                    best[x] = i
    return best


def short(article_id: str, n: int = 22) -> str:
    """An id cut to ``n`` characters, keeping its end (where the file name is).

    >>> short("000_2d6f109265a5f0ce.txt")
    '000_2d6f109…a5f0ce.txt'
    >>> short("sport/033.txt")
    'sport/033.txt'
    """
    if len(article_id) <= n:
        return article_id
    head = (n - 1) // 2 + 1
    return article_id[:head] + "\u2026" + article_id[-(n - 1 - head):]


def _layout(rows: list[list[str]]) -> tuple[dict[str, tuple[float, float]], float, float]:
    """Top-left corner of each box, rows centred; and the drawing's width and height."""
    width = max(len(r) for r in rows) * (NODE_W + GAP_X) - GAP_X + 2 * PAD
    pos = {}
    for k, row in enumerate(rows):
        x0 = (width - (len(row) * (NODE_W + GAP_X) - GAP_X)) / 2
        for j, node in enumerate(row):
            pos[node] = (x0 + j * (NODE_W + GAP_X), PAD + k * (NODE_H + GAP_Y))
    height = len(rows) * (NODE_H + GAP_Y) - GAP_Y + 2 * PAD
    return pos, width, height


def _edge(pos: dict, src: str, dst: str, relation: str, pair: int, title: str, label: bool = True) -> str:
    """A line from ``src`` to ``dst`` (arrow at ``dst``), linking to the pair; ``label``: the
    relation written on it (else a faint line: a pair beside the tree's own edges)."""
    (x1, y1), (x2, y2) = pos[src], pos[dst]
    cx1, cx2 = x1 + NODE_W / 2, x2 + NODE_W / 2
    if y1 == y2:  # same row: a curve below
        sy = ey = y1 + NODE_H
        mid_y = y1 + NODE_H + GAP_Y * 0.45
        path = f'<path d="M{cx1:.0f},{sy:.0f} Q{(cx1 + cx2) / 2:.0f},{mid_y + 20:.0f} {cx2:.0f},{ey:.0f}"'
        lx, ly = (cx1 + cx2) / 2, mid_y + 4
    else:
        sy, ey = (y1 + NODE_H, y2) if y1 < y2 else (y1, y2 + NODE_H)
        path = f'<line x1="{cx1:.0f}" y1="{sy:.0f}" x2="{cx2:.0f}" y2="{ey:.0f}"'
        lx, ly = (cx1 + cx2) / 2, (sy + ey) / 2 + 4
    cls = ("rel" if relation == "related" else relation) + ("" if label else " extra")
    marker = "" if relation == "related" else ' marker-end="url(#dedup-arrow)"'
    text = f'<text x="{lx:.0f}" y="{ly:.0f}" text-anchor="middle">{_e(relation)}</text>' if label else ""
    return f'<a href="#p{pair}" class="edge {cls}"><title>{_e(title)}</title>{path}{marker}/>{text}</a>'


def _rows(layers: list[list[str]]) -> list[list[str]]:
    """Each layer cut into rows of at most :data:`MAX_PER_ROW` boxes."""
    return [layer[k:k + MAX_PER_ROW] for layer in layers for k in range(0, len(layer), MAX_PER_ROW)]


def _box(pos: dict, node: str, cls: str, label: str, title: str) -> str:
    x, y = pos[node]
    return (f'<g class="node {cls}"><title>{_e(title)}</title>'
            f'<rect x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
            f'<text x="{x + NODE_W / 2:.0f}" y="{y + NODE_H / 2 + 4:.0f}" text-anchor="middle">{_e(label)}</text></g>')


def svg(story: Story, pairs: Sequence[Pair], indices: Sequence[int], titles: dict[str, str | None]) -> str:
    """The story drawn as inline SVG; every edge links to its pair (``#p<index>``).

    ``titles`` maps article ids to titles, shown when hovering a box. The arrow marker
    ``#dedup-arrow`` is defined once by the page (see :data:`ARROW_DEFS`).
    """
    tree = story_tree(story, pairs, indices)
    layers: list[list[str]] = [[] for _ in range(max(n.depth for n in tree) + 1)]
    for n in tree:
        layers[n.depth].append(n.id)
    links = related_links(story, pairs, indices)
    related = [r for r in story.related if r in links][:MAX_RELATED]
    more = len(story.related) - len(related)
    if related or more:
        layers.append(related + ([MORE] if more else []))
    pos, width, height = _layout(_rows(layers))
    in_tree = {n.pair for n in tree}
    members = set(story.members)
    out = [f'<svg class="graph" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" height="{height:.0f}" '
           f'role="img" aria-label="who derives from whom">']
    for i in indices:
        p = pairs[i]
        if p.relation != "related" and p.a in members and p.b in members:
            src, dst = (p.source, p.b if p.source == p.a else p.a) \
                if p.source in (p.a, p.b) else (p.a, p.b)
            if pos[src][1] > pos[dst][1] and p.source is None:
                src, dst = dst, src  # no direction known: draw it downwards
            how = f"{src} \u2192 {dst}" if p.source else f"{src} ~ {dst} (source unknown)"
            out.append(_edge(pos, src, dst, p.relation, i, f"{p.relation}: {how}", label=i in in_tree))
    for r in related:
        p = pairs[links[r]]
        member = p.b if p.a == r else p.a
        out.append(_edge(pos, member, r, "related", links[r], f"related: {member} ~ {r} (cosine {p.scores.cosine})"))
    for n in tree:
        role = "original" if n.depth == 0 else "derived"
        out.append(_box(pos, n.id, role, short(n.id), f"{n.id} ({role}){_title_line(titles.get(n.id))}"))
    for r in related:
        out.append(_box(pos, r, "rel", short(r), f"{r} (related: same event){_title_line(titles.get(r))}"))
    if more:
        out.append(_box(pos, MORE, "rel more", f"+{more} more related", f"{more} more related articles"))
    out.append("</svg>")
    return "".join(out)


def _title_line(title: str | None) -> str:
    return f"\n{title}" if title else ""


ARROW_DEFS = ('<svg width="0" height="0" aria-hidden="true" style="position:absolute"><defs>'
              '<marker id="dedup-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
              'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#4b5563"/></marker>'
              '</defs></svg>')
