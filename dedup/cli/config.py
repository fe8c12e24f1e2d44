"""``[tool.dedup]`` in pyproject.toml: defaults for the command line's flags.

The file read is the first ``pyproject.toml`` holding a ``[tool.dedup]`` table, looking in the
current folder and then up, no higher than the top of the git repository (the folder holding
``.git``). Keys are the flags' names; a flag given wins over the file, the file over the
built-in default. Paths are relative to the file's folder. Keys at the top apply to every
command that has the flag; ``[tool.dedup.scan]`` and ``[tool.dedup.check]`` to that command
only (and win over the top); ``format`` differs by command, so it is set there.

>>> config = Config.parse('''
... [tool.dedup]
... against = "published/"
... articles = ["articles/"]
... [tool.dedup.check]
... fail-on = "copy"
... ''', "pyproject.toml")
>>> sorted(config.defaults("check").items())
[('against', 'published/'), ('articles', ['articles/']), ('fail_on', 'copy')]
>>> Config.parse('[tool.dedup]\\nfail-on = "maybe"', "pyproject.toml")
Traceback (most recent call last):
...
dedup.cli.config.ConfigError: pyproject.toml:2: [tool.dedup] fail-on = "maybe": must be one of copy, partial, derived, related

Detection thresholds are not settable, by design: there is one default configuration for every
corpus (:class:`dedup.Params`), and a key naming one says so.
"""

from __future__ import annotations

import glob
import json
import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from dedup.check import FAIL_ON
from dedup.params import Params
from dedup.report import FORMATS
from dedup.report.findings import CHECK_FORMATS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10: the backport (a dependency there)
    import tomli as tomllib

FILE = "pyproject.toml"
TABLE = "tool.dedup"
COMMANDS = ("scan", "check")  # the commands with a table of their own


class ConfigError(ValueError):
    """pyproject.toml cannot be used: one line naming the file (its line when known) and the key."""


def _megabytes(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
        return "must be a number of megabytes, more than 0"
    return None


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value.strip() else "must be a non-empty string"


def _folders(value: Any) -> str | None:
    if isinstance(value, list) and value and all(_text(v) is None for v in value):
        return None
    return 'must be a list of folders or globs, e.g. ["articles/"]'


def _one_of(choices: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda value: None if value in choices else f"must be one of {', '.join(choices)}"


_INPUT = {"max-article-mb": _megabytes, "follow-links": _boolean}  # scan, index add, check
_CHECK = {"against": _text, "articles": _folders, "fail-on": _one_of(FAIL_ON)}
KEYS: dict[str, dict[str, Callable[[Any], str | None]]] = {
    "": {**_INPUT, **_CHECK},  # the top of [tool.dedup]
    "scan": {**_INPUT, "format": _one_of(FORMATS + ("parquet",))},
    "check": {**_INPUT, **_CHECK, "format": _one_of(CHECK_FORMATS)},
}
_THRESHOLDS = {f.name for f in fields(Params)} | {"params", "threshold", "thresholds"}


@dataclass(frozen=True)
class Config:
    """The settings of one pyproject.toml (none: ``Config()``), validated; ``folder`` is where
    relative paths start."""

    path: str | None = None
    folder: str = "."
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)  # "" (the top), "scan", "check"

    @classmethod
    def parse(cls, text: str, path: str, folder: str = ".") -> Config:
        """The ``[tool.dedup]`` settings of a pyproject.toml's ``text`` (read from ``path``)."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as e:
            line = re.search(r"at line (\d+)", str(e))
            raise ConfigError(f"{path}{':' + line[1] if line else ''}: not valid TOML: {e}") from None
        except RecursionError:  # tomllib parses nested arrays and inline tables recursively
            raise ConfigError(f"{path}: not valid TOML: arrays or tables nested too deeply") from None
        tool = data.get("tool", {})
        top = tool.get("dedup") if isinstance(tool, dict) else None
        if top is None:
            return cls(path=None, folder=folder)
        return cls(path=path, folder=folder, tables=_validate(top, text, path))

    def defaults(self, command: str) -> dict[str, Any]:
        """What the file sets for ``command`` (``scan``, ``check``, ``index``), by argparse ``dest``;
        relative paths made relative to the current folder."""
        keys = KEYS["check" if command == "check" else "scan"]
        chosen = {k: v for k, v in self.tables.get("", {}).items() if k in keys and k != "format"}
        if command in COMMANDS:
            chosen.update(self.tables.get(command, {}))
        if "against" in chosen:
            chosen["against"] = self._path(chosen["against"])
        if "articles" in chosen:
            chosen["articles"] = [self._path(a, pattern=True) for a in chosen["articles"]]
        return {k.replace("-", "_"): v for k, v in chosen.items()}

    def _path(self, value: str, pattern: bool = False) -> str:
        if "://" in value or os.path.isabs(value) or os.path.abspath(self.folder) == os.getcwd():
            return value
        return os.path.join(glob.escape(self.folder) if pattern else self.folder, value)


def load(start: str | None = None) -> Config:
    """The settings found from ``start`` (default: the current folder) up; ``Config()`` when none."""
    folder = os.path.abspath(start or os.getcwd())
    while True:
        path = os.path.join(folder, FILE)
        if os.path.isfile(path):
            try:
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8")
            except OSError as e:
                raise ConfigError(f"{path}: cannot read: {e.strerror}") from None
            except UnicodeDecodeError as e:
                raise ConfigError(f"{path}: not valid TOML: not UTF-8 (byte {e.start})") from None
            config = Config.parse(text, path, folder)
            if config.path:
                return config
        parent = os.path.dirname(folder)
        if os.path.exists(os.path.join(folder, ".git")) or parent == folder:
            return Config()
        folder = parent


def _validate(top: Any, text: str, path: str) -> dict[str, dict[str, Any]]:
    if not isinstance(top, dict):
        raise ConfigError(f"{path}: [{TABLE}] must be a table")
    tables: dict[str, dict[str, Any]] = {"": {}}
    for key, value in top.items():
        if key in COMMANDS and isinstance(value, dict):
            tables[key] = _keys(value, f"{TABLE}.{key}", KEYS[key], text, path)
        else:
            tables[""].update(_keys({key: value}, TABLE, KEYS[""], text, path))
    return tables


def _keys(table: dict[str, Any], name: str, keys: dict[str, Callable[[Any], str | None]],
          text: str, path: str) -> dict[str, Any]:
    for key, value in table.items():
        line = _line(text, name, key) or _line(text, f"{name}.{key}", "")  # key = value, or [table.key]
        where = f"{path}{line}: [{name}] {key}"
        if key.replace("-", "_").lower() in _THRESHOLDS or "threshold" in key.lower():
            raise ConfigError(f"{where}: detection thresholds are not settable: there is one default "
                              "configuration for every corpus (dedup.Params, docs/ARCHITECTURE.md)")
        if key == "format" and name == TABLE:
            raise ConfigError(f"{where}: the formats differ by command: set format under "
                              + " or ".join(f"[{TABLE}.{c}]" for c in COMMANDS))
        if key in COMMANDS:
            raise ConfigError(f"{where}: must be a table ([{TABLE}.{key}])")
        if isinstance(value, dict):
            raise ConfigError(f"{path}{line}: [{name}.{key}]: unknown table "
                              f"(tables: {', '.join(f'[{TABLE}.{c}]' for c in COMMANDS)})")
        if key not in keys:
            known = ", ".join(sorted(keys)) + ("" if name != TABLE else f"; tables {', '.join(COMMANDS)}")
            raise ConfigError(f"{where}: unknown key (keys here: {known})")
        problem = keys[key](value)
        if problem:
            raise ConfigError(f"{where} = {json.dumps(value, default=str)}: {problem}")
    return table


def _line(text: str, table: str, key: str) -> str:
    """``:N``, the line setting ``key`` in ``[table]``, or of the header ``[table]`` when ``key`` is
    empty (best effort: empty when not found)."""
    header = re.compile(r"^\s*\[\s*" + r"\s*\.\s*".join(map(re.escape, table.split("."))) + r"\s*\]")
    setting = re.compile(r"""^\s*["']?""" + re.escape(key) + r"""["']?\s*=""")
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("["):
            inside = bool(header.match(line))
            if inside and not key:
                return f":{number}"
        elif inside and setting.match(line):
            return f":{number}"
    return ""
