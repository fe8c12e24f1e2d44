"""The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` in temporary git
repositories, configured as README says: [tool.dedup] in pyproject.toml, no args.

The hook repository is this checkout's working tree as it is (uncommitted changes included:
what pip installs dedup from, copied into a git repository of one commit, since pre-commit
clones a hook repository at a rev). pre-commit installs the hook's environment once per module
(PRE_COMMIT_HOME in a temporary folder): a virtualenv with dedup pip-installed, which needs
PyPI (or pip's cache) and takes a while; every test after the first reuses it.
`pre-commit try-repo` runs the same hook but installs its environment anew at every call (a store
of its own in a temporary folder), a minute or two each: it is not run here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import FIXTURES, INDEPENDENT, ORIGINAL, WITH_ADS

REPO = Path(__file__).resolve().parent.parent
INSTALLED_FROM = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "dedup")
SETTINGS = '[tool.dedup]\nagainst = "published/"\narticles = ["articles/"]\n'


def git(cwd: Path, *argv: str) -> str:
    done = subprocess.run(["git", "-c", "user.name=dedup tests", "-c", "user.email=tests@example.invalid",
                           "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *argv],
                          cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> dict[str, str]:
    """This working tree as a hook repository (path and rev), and the environment pre-commit runs in."""
    root = tmp_path_factory.mktemp("hook-repo")
    for name in INSTALLED_FROM:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(REPO / name, root / name)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dedup as it is in the working tree")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env["PRE_COMMIT_HOME"] = str(tmp_path_factory.mktemp("pre-commit-home"))
    return {"repo": str(root), "rev": git(root, "rev-parse", "HEAD"), "env": env}


def article(name: str, extra: str = "") -> str:
    return (FIXTURES / name).read_text(encoding="utf-8") + extra


def repository(path: Path, hook: dict, files: dict[str, str], settings: str | None = SETTINGS) -> Path:
    """A git repository at ``path`` holding ``files``, the pre-commit config using the hook with
    no args, and a pyproject.toml with ``settings``; everything staged."""
    files = {**files, ".pre-commit-config.yaml": yaml.safe_dump(
        {"repos": [{"repo": hook["repo"], "rev": hook["rev"], "hooks": [{"id": "dedup-check"}]}]})}
    if settings is not None:
        files["pyproject.toml"] = settings
    for name, text in files.items():
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(text, encoding="utf-8")
    git(path, "init", "-q")
    git(path, "add", "-A")
    return path


def pre_commit(repo: Path, hook: dict, *argv: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pre_commit", *argv, "--color", "never"], cwd=repo, env=hook["env"],
                          capture_output=True, text=True, timeout=900)


PUBLISHED = {f"published/{ORIGINAL}": article(ORIGINAL), f"published/{INDEPENDENT}": article(INDEPENDENT)}


def test_a_copy_of_a_published_article_fails(tmp_path, hook):
    repo = repository(tmp_path, hook, {**PUBLISHED, "articles/copy.txt": article(ORIGINAL, "\nShare this story\n"),
                                       "package.json": '{"name": "site"}\n'})
    done = pre_commit(repo, hook, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "- exit code: 1" in out and "articles/copy.txt:" in out and ORIGINAL in out
    assert "3 files left out: not under the article folders (articles/)" in out  # package.json, published/*


def test_two_new_articles_copying_each_other_fail(tmp_path, hook):
    """Needs `dedup check` to compare the new articles with one another (issue 19)."""
    repo = repository(tmp_path, hook, {f"published/{INDEPENDENT}": article(INDEPENDENT),
                                       "articles/a.txt": article(ORIGINAL, "\nShare this story\n"),
                                       "articles/b.txt": article(ORIGINAL, "\nRead more\n")})
    done = pre_commit(repo, hook, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "articles/a.txt" in out or "articles/b.txt" in out


def test_a_clean_article_passes(tmp_path, hook):
    repo = repository(tmp_path, hook, {**PUBLISHED, "articles/new.txt": article(WITH_ADS)})
    done = pre_commit(repo, hook, "run", "--all-files", "--verbose")
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "Passed" in out and "checked 1 new article against 2 published articles in published/: nothing at --fail-on derived" in out


def test_a_package_json_change_passes_and_says_why(tmp_path, hook):
    repo = repository(tmp_path, hook, {**PUBLISHED, "articles/new.txt": article(WITH_ADS),
                                       "package.json": '{"name": "site"}\n'})
    git(repo, "commit", "-q", "-m", "start")
    (repo / "package.json").write_text('{"name": "site", "version": "2.0.0"}\n')
    git(repo, "add", "package.json")
    done = pre_commit(repo, hook, "run", "--verbose")  # the staged change only
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "nothing to check: the 1 file given is not under the article folders (articles/)" in out


def test_without_settings_the_hook_says_how_to_configure(tmp_path, hook):
    repo = repository(tmp_path, hook, {**PUBLISHED, "articles/new.txt": article(WITH_ADS)}, settings=None)
    done = pre_commit(repo, hook, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "- exit code: 2" in out, out
    assert 'check needs the published articles: --against INDEX|DIR, or against = "published/" under [tool.dedup]' in out
    (repo / "pyproject.toml").write_text('[tool.dedup]\nagainst = "published/"\n')
    git(repo, "add", "pyproject.toml")
    done = pre_commit(repo, hook, "run", "--all-files")
    out = done.stdout + done.stderr
    assert done.returncode == 1 and "- exit code: 2" in out, out
    assert 'which files are articles? name their folders: articles = ["articles/"] under [tool.dedup]' in out

