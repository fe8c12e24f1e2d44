"""Metadata read from plain text: dates, bylines, publishers and attribution claims.

>>> parse_date("Tue. Mar 5th, 2024")
'2024-03-05'
>>> attribution_claim("Source: Example Daily News (url: https://example.com/a/1)")
(['Example Daily News'], ['https://example.com/a/1'])
>>> attribution_claim("This article originally appeared in the Example Post (EP), the paper.")
(['Example Post'], [])
>>> same_outlet("South China Morning Post Publishers Ltd.", "SCMP")
True
"""

from __future__ import annotations

import re

from dedup.clean.normalize import word_count

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])}
_MONTH = r"(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_DATE_PATTERNS = [
    re.compile(r"(?P<year>(?:19|20)\d\d)-(?P<mon>\d\d)-(?P<day>\d\d)"),
    re.compile(rf"\b{_MONTH}\s+{_DAY},?\s+{_YEAR}\b", re.I),
    re.compile(rf"\b{_DAY}\s+{_MONTH},?\s+{_YEAR}\b", re.I),
]
_WEEKDAY = r"(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?"
_DATE_PREFIX = re.compile(
    r"^(?:date|published|posted|updated|dated)\s*+:?+\s*+(?P<date>(?:19|20)\d\d-\d\d-\d\d)\b\s*", re.I)
_FILLER = re.compile(
    rf"\b(?:{_WEEKDAY}|date|published|posted|updated|on|at|am|pm|gmt|utc|\d{{1,2}}:\d\d)\b|[|,.:/-]", re.I)
_BY = re.compile(r"^by\s+(?P<name>[^|]{2,80})$", re.I)

WIRE_SERVICES = {
    "reuters": "Reuters", "ap": "Associated Press", "associated press": "Associated Press",
    "afp": "Agence France-Presse", "agence france-presse": "Agence France-Presse",
    "bloomberg": "Bloomberg", "dpa": "dpa", "xinhua": "Xinhua", "kyodo": "Kyodo",
    "yonhap": "Yonhap", "pti": "PTI", "ani": "ANI", "upi": "UPI", "efe": "EFE", "ansa": "ANSA",
    "tass": "TASS", "interfax": "Interfax", "bernama": "Bernama",
}
_WIRE = "|".join(sorted((re.escape(k) for k in WIRE_SERVICES), key=len, reverse=True))
_NAME = r"(?P<name>[A-Z0-9][\w&'.-]*(?:\s+(?:of\s+|and\s+|&\s+)?[A-Z0-9][\w&'.-]*){0,7})"
# "Source: NAME (url: URL)": the pattern
# ``^source\s*:\s*(?P<name>[^()\n]{2,80}?)\s*(?:\(\s*(?:url\s*:\s*)?(?P<url>https?://[^\s)]+)\)?)?\s*$``
# (re.I) read by source_claim in linear time (the pattern took hours on a run of spaces)
_SOURCE_HEAD = re.compile(r"source\s*+:", re.I)
_SOURCE_LINK = re.compile(r"\(\s*+(?:url\s*+:\s*+)?(?P<url>https?://[^\s)]++)\)?\s*+$", re.I)
_SPACES = re.compile(r"\s*+")
_NOT_IN_NAME = re.compile(r"[()\n]")
_CLAIMS = [
    re.compile(r"\b(?i:originally|first)\s+(?:appeared|published|ran|posted)\s+(?:in|on|by|at)\s+(?:the\s+)?" + _NAME),
    re.compile(r"\b(?i:republished|reprinted|reproduced)\s+(?:with\s+permission\s+)?(?:from|of)\s+(?:the\s+)?" + _NAME),
    re.compile(rf"^(?:by|via|courtesy of|credit:)\s+(?:the\s+)?(?P<wire>{_WIRE})\b", re.I),
    re.compile(rf"^[^()]{{0,60}}\((?P<wire>{_WIRE})\)\s*-", re.I),
    re.compile(rf"^\((?P<wire>{_WIRE})\)$", re.I),
]
_URL = re.compile(r"https?://[^\s)\"']+")
# each pattern of _CLAIMS with words it cannot match without (in lower case): the unanchored ones
# are costly on long lines
_CLAIMS_NEED = list(zip(_CLAIMS, [("originally", "first"), ("republished", "reprinted", "reproduced"), ("",),
                                  ("(",), ("(",)]))


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ``YYYY-MM-DD``, or None."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        mon = m["mon"]
        month = int(mon) if mon.isdigit() else _MONTHS[mon[:3].lower()]
        day, year = int(m["day"]), int(m["year"])
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def date_line(line: str) -> tuple[str, str] | None:
    """``(iso_date, rest)`` when ``line`` is a dateline; ``rest`` is text that followed a
    ``date YYYY-MM-DD`` prefix, or a ``by ...`` part, else empty.

    >>> date_line("December 13, 2023 | by example.net")
    ('2023-12-13', 'by example.net')
    >>> date_line("date 2023-12-11 The report says more.")
    ('2023-12-11', 'The report says more.')
    >>> date_line("The summit ended on December 13, 2023, in Hanoi.") is None
    True
    """
    m = _DATE_PREFIX.match(line)
    if m:
        return parse_date(m["date"]) or m["date"], line[m.end():]
    date = parse_date(line)
    if date is None:
        return None
    parts = [p.strip() for p in line.split("|")]
    by = next((p for p in parts if _BY.match(p)), "")
    rest = " ".join(p for p in parts if p != by)
    for pattern in _DATE_PATTERNS:
        rest = pattern.sub(" ", rest)
    if word_count(_FILLER.sub(" ", rest)) > 1:
        return None
    return date, by


def byline(line: str) -> str | None:
    """The name in a ``By NAME`` line (a few capitalised words or a domain), else None."""
    m = _BY.match(line.strip())
    if not m:
        return None
    name = m["name"].strip(" .,")
    if len(name.split()) > 5 or name.endswith(("?", "!")):
        return None
    return name


# every claim pattern needs one of these (substring tests rule most lines out cheaply)
_CLAIM_STARTS = ("source", "by", "via", "courtesy", "credit")
_CLAIM_WORDS = ("(", "originally", "first", "republished", "reprinted", "reproduced")


def attribution_claim(line: str) -> tuple[list[str], list[str]] | None:
    """Names and URLs of the source a line credits, or None when it credits none."""
    low = line.lower()
    if not low.startswith(_CLAIM_STARTS) and not any(w in low for w in _CLAIM_WORDS):
        return None
    source = source_claim(line)
    if source:
        return [source[0].strip(" .,;:")], [source[1]] if source[1] else _URL.findall(line)
    plain = line.isascii()  # then a claim's words are in ``low`` (exact on ASCII; else every pattern is tried)
    for pattern, needs in _CLAIMS_NEED:
        if plain and not any(w in low for w in needs):
            continue
        m = pattern.search(line)
        if not m:
            continue
        groups = m.groupdict()
        if groups.get("wire"):
            name = WIRE_SERVICES[groups["wire"].lower()]
        else:
            name = groups["name"].strip(" .,;:")  # (no name pattern takes a bracket)
        urls = [groups["url"]] if groups.get("url") else _URL.findall(line)
        return [name], urls
    return None


def source_claim(line: str) -> tuple[str, str | None] | None:
    """The name (2 to 80 characters, the shortest that fits) and URL of a ``Source: NAME (url: URL)``
    line, as the pattern above matches them (the spaces after the colon go to the name only when
    no name fits after them).

    >>> source_claim("Source: Example Daily News (url: https://example.com/a/1)")
    ('Example Daily News', 'https://example.com/a/1')
    """
    head = _SOURCE_HEAD.match(line)
    if not head:
        return None
    h = head.end()
    w = _SPACES.match(line, h).end()  # the name starts here, or earlier in these spaces
    bracket = line.find("(", h)
    url = None
    if bracket < 0:  # the name ends where only spaces follow
        lo, hi = len(line.rstrip()), len(line)
    else:  # the name ends in the spaces before the bracket of a link
        link = _SOURCE_LINK.match(line, bracket)
        if not link:
            return None
        lo, hi, url = max(len(line[:bracket].rstrip()), h), bracket, link["url"]
    stop = _NOT_IN_NAME.search(line, w)
    stop_at = stop.start() if stop else len(line)  # the name ends before it
    for k in range(w, h - 1, -1):
        if k < w and line[k] == "\n":
            stop_at = k
        end = max(k + 2, lo)
        if end - k > 80:
            break
        if end <= hi and end <= stop_at:
            return line[k:end], url
    return None


_SUFFIX = re.compile(
    r"\b(?:the|publishers?|publishing|ltd|limited|inc|llc|plc|corp|corporation|co|group|"
    r"holdings|all rights reserved|copyright|www|com|net|org|co\.uk)\b|\(c\)|\d{4}|[^\w\s]", re.I)


def outlet_key(name: str) -> str:
    """A comparable key for an outlet name or a domain.

    >>> outlet_key("The Example Post Publishers Ltd.")
    'example post'
    >>> outlet_key("https://www.example.com/news/1")
    'example'
    """
    m = re.match(r"(?:https?://)?(?:www\.)?([\w-]+)\.[\w.]+(?:/|$)", name.strip())
    if m and " " not in name.strip():
        return m.group(1).lower()
    return " ".join(_SUFFIX.sub(" ", name.lower()).split())


def _acronym(key: str) -> str:
    return "".join(w[0] for w in key.split()) if len(key.split()) > 1 else key


def same_outlet(a: str, b: str) -> bool:
    """Whether two outlet names (or domains) name the same outlet, acronyms included."""
    ka, kb = outlet_key(a), outlet_key(b)
    if not ka or not kb:
        return False
    if ka == kb:
        return True
    return _acronym(ka) == kb.replace(" ", "") or _acronym(kb) == ka.replace(" ", "")


def outlet_lookup_keys(name: str) -> set[str]:
    """Keys under which to index an outlet name: two names that :func:`same_outlet` matches
    share at least one (so a dict of them finds the candidates without comparing all names).

    >>> sorted(outlet_lookup_keys("South China Morning Post"))
    ['scmp', 'south china morning post', 'southchinamorningpost']
    """
    key = outlet_key(name)
    return {key, _acronym(key), key.replace(" ", "")} - {""} if key else set()
