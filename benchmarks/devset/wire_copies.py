"""Wire copies (class 2, graded): an agency story as local sites run it, text only.

Each source story (BBC text) becomes a wire story with a dateline ("LONDON (AP) — ") and is
run by one site in one of twelve ways, in turn: word for word (a duplicate), or with what
sites add or drop around the same body (a copy): the dateline dropped, a contributors line,
the agency's copyright line, "___" separators, a photo caption, cut after 3-5 paragraphs
with no link, a "RELATED:" link inside the body, an editor's note on top, another headline,
"Story continues below advertisement", or all of these at once. Gold: the wire vs its site
copy (duplicate for the word-for-word one, else copy, source the wire, published three hours
earlier); the site copy vs the next source's wire (unrelated). Sources split dev/held-out by
:func:`cases.split_of`; built on 2026-12-07 to check the grade of copies (a copy in other
boilerplate is not a duplicate).
"""

from __future__ import annotations

import random

from cases import SPLITS, Case, Story, split_of

CITIES = ["WASHINGTON", "NEW YORK", "LONDON", "CHICAGO", "LOS ANGELES"]
WAYS = ["word for word", "no dateline", "contributors", "copyright", "separators", "caption", "cut", "related link",
        "editor's note", "headline", "continues below", "all"]


def site_copy(story: Story, wire: list[str], way: str, rnd: random.Random, titles: list[str]) -> str:
    """The wire paragraphs ``wire`` of ``story`` as a site runs them, ``way`` (one of :data:`WAYS`)."""
    p, head, tail = list(wire), [story.title], []
    every = way == "all"
    if way == "no dateline" or every:
        p[0] = p[0].split("\u2014 ", 1)[1]
    if way == "contributors" or every:
        tail.append(f"Associated Press writers {rnd.choice(['Jill Lawless', 'Ken Sweet', 'Zeke Miller'])} and "
                    f"{rnd.choice(['Mae Anderson', 'Josh Boak'])} contributed to this report.")
    if way == "copyright" or every:
        tail.append("Copyright 2018 The Associated Press. All rights reserved. This material may not be published, "
                    "broadcast, rewritten or redistributed.")
    if way == "separators" or every:
        p.insert(rnd.randint(2, len(p) - 2), "___")
    if way == "caption" or every:
        p.insert(rnd.randint(1, len(p) - 1), f"FILE - In this Jan. 5, 2018, file photo, people walk past a building "
                                              f"in {rnd.choice(CITIES).title()}. (AP Photo/Evan Vucci, File)")
    if way == "cut":
        p = p[: rnd.randint(3, 5)]
    if way == "related link" or every:
        p.insert(rnd.randint(2, len(p) - 1), f"RELATED: {rnd.choice(titles)}")
    if way == "editor's note":
        p.insert(0, "This story has been updated to correct the spelling of a name.")
    if way == "headline" or every:
        head = [f"{story.title.split(' ')[0]} news: what we know so far"]
    if way == "continues below" or every:
        p.insert(rnd.randint(2, len(p) - 1), "Story continues below advertisement")
    return "\n\n".join(head + p + tail)


def wire_copies(stories: list[Story], per_split: int = 60) -> list[Case]:
    """One case per part: ``per_split`` wire stories, each with one site copy (see the module)."""
    titles = [s.title for s in stories]
    out = []
    for split in SPLITS:
        rnd = random.Random(f"wire-copies-{split}")
        chosen = rnd.sample([s for s in stories if split_of(s.id) == split], per_split)
        case = Case("wire", split)
        wires = []
        for n, s in enumerate(chosen):
            paragraphs = list(s.paragraphs)
            paragraphs[0] = f"{rnd.choice(CITIES)} (AP) \u2014 " + paragraphs[0]
            wire = case.add(f"ap/{s.id}", "\n\n".join([s.title] + paragraphs), "Associated Press", 8, 6)
            way = WAYS[n % len(WAYS)]
            copy = case.add(f"site{n}/{s.id}", site_copy(s, paragraphs, way, rnd, titles), f"Site {n}", 8, 9)
            case.label(wire, copy, "duplicate" if way == "word for word" else "copy", wire)
            wires.append((wire, copy))
        for (_, copy), (next_wire, _) in zip(wires, wires[1:] + wires[:1]):
            case.label(copy, next_wire, "unrelated")
        out.append(case)
    return out
