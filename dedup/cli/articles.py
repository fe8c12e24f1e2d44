"""Which of the paths given to ``dedup check`` are articles: with article folders named
(``--articles``, or ``articles`` in pyproject.toml), those under one of them; the others are
left out, and how many is said. This is how the pre-commit hook, handed every changed file
that looks like text, checks only the articles.

An article folder is a folder (``articles/``) or a glob (``news/*/text``, ``*`` also matching
``/``); a path is under it when the path or a folder above it is it or matches it. ``-``
(stdin) is always an article.

>>> split_paths(["articles/a.md", "package.json", "articles/2024/b.txt", "-"], ["articles/"])
(['articles/a.md', 'articles/2024/b.txt', '-'], ['package.json'])
>>> split_paths(["news/bbc/text/1.txt", "news/bbc/feed.json"], ["news/*/text"])
(['news/bbc/text/1.txt'], ['news/bbc/feed.json'])
"""

from __future__ import annotations

import argparse
import glob
import os
import sys
from collections.abc import Sequence
from fnmatch import fnmatchcase

from dedup.cli.output import note
from dedup.report.escape import printable

NO_AGAINST = ("dedup: error: check needs the published articles: --against INDEX|DIR, "
              'or against = "published/" under [tool.dedup] in pyproject.toml')
NO_ARTICLES = ("dedup: error: which files are articles? name their folders: "
               'articles = ["articles/"] under [tool.dedup] in pyproject.toml, or --articles FOLDER')


def under(path: str, folders: Sequence[str]) -> bool:
    """Whether ``path`` is ``-`` or lies under one of ``folders`` (folders or globs)."""
    if path == "-":
        return True
    cwd = glob.escape(os.getcwd())  # a pattern's own *?[ are globs, the current folder's are not
    patterns = [os.path.normpath(os.path.join(cwd, f)) for f in folders]
    here = os.path.abspath(path)
    while True:
        if any(fnmatchcase(here, p) for p in patterns):
            return True
        parent = os.path.dirname(here)
        if parent == here:
            return False
        here = parent


def split_paths(paths: Sequence[str], folders: Sequence[str]) -> tuple[list[str], list[str]]:
    """``paths`` under ``folders``, and the others."""
    kept: list[str] = []
    left_out: list[str] = []
    for p in paths:
        (kept if under(p, folders) else left_out).append(p)
    return kept, left_out


def choose_articles(args: argparse.Namespace) -> int | None:
    """Keep in ``args.paths`` the articles (a remark on stderr for the files left out; none left:
    ``args.paths`` empty, nothing to check); an exit code when there is no ``--against``, or no
    article folder under ``--require-articles``; None to go on."""
    if not args.against:
        print(NO_AGAINST, file=sys.stderr)
        return 2
    if not args.articles:
        if args.require_articles:
            print(NO_ARTICLES, file=sys.stderr)
            return 2
        return None
    args.paths, left_out = split_paths(args.paths, args.articles)
    if not left_out:
        return None
    folders = printable(", ".join(args.articles))
    files = f"{len(left_out)} file{'s' * (len(left_out) != 1)}"
    if args.paths:
        note(f"dedup: {files} left out: not under the article folders ({folders})")
    else:
        note(f"dedup: nothing to check: the {files} given {'are' if len(left_out) > 1 else 'is'} not under the "
             f"article folders ({folders})")
    return None
