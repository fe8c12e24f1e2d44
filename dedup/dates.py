"""Publication dates read once, at ingest, into aware datetimes: ISO 8601 (also compact, and
``2023/12/11``), RFC 2822 (e-mail, RSS) and the textual forms news prints ("Dec 12, 2023",
"Tuesday, March 5, 2024", "12 Dec. 2023 10:05 GMT"...). A time without an offset is UTC; a
date without a time is midnight UTC. What is not a date, or not a possible one, is a
ValueError that says why. A weekday, when given, is not checked against the date.

>>> parse_published("Tue, 12 Dec 2023 10:00:00 GMT")
datetime.datetime(2023, 12, 12, 10, 0, tzinfo=datetime.timezone.utc)
>>> value = parse_published("2023-12-11T23:30:00-05:00")
>>> format_published(value), published_day(value)
('2023-12-11T23:30:00-05:00', datetime.date(2023, 12, 11))
>>> format_published(parse_published("Tue. Mar 5th, 2024"))
'2024-03-05'
>>> parse_published("Feb 31, 2023")
Traceback (most recent call last):
ValueError: day 31 is out of range for February 2023
"""

from __future__ import annotations

import calendar
import datetime
import re

MAX_LENGTH = 100  # longer strings are no date (and are not looked at)

_UTC = datetime.timezone.utc
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December")
_MONTHS = {**{name.lower(): n for n, name in enumerate(_MONTH_NAMES, 1)},
           **{name[:3].lower(): n for n, name in enumerate(_MONTH_NAMES, 1)}, "sept": 9}
_WEEKDAYS = {"mon", "monday", "tue", "tues", "tuesday", "wed", "weds", "wednesday", "thu", "thur", "thurs",
             "thursday", "fri", "friday", "sat", "saturday", "sun", "sunday"}
# RFC 2822's zone names (the US ones are obsolete there but still met)
_ZONES = {"z": 0, "ut": 0, "utc": 0, "gmt": 0, "est": -5 * 60, "edt": -4 * 60, "cst": -6 * 60, "cdt": -5 * 60,
          "mst": -7 * 60, "mdt": -6 * 60, "pst": -8 * 60, "pdt": -7 * 60}

# numeric dates: 2023-12-11, 20231211, 2023/12/11; then an optional ISO time and offset
_NUMERIC_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})-([0-9]{2})|([0-9]{2})([0-9]{2})|/([0-9]{1,2})/([0-9]{1,2}))")
_ISO_TIME = re.compile(r"[Tt ](?:([0-9]{2}):([0-9]{2})(?::([0-9]{2}))?|([0-9]{2})([0-9]{2})([0-9]{2})?)"
                       r"(?:[.,]([0-9]{1,9}))? ?([A-Za-z]{1,5}|[+-][0-9]{2}(?::?[0-9]{2})?)?")
# textual forms, on lower-cased tokens: a day (5, 5th), a time (10:05, 10:05:30, 10am), an offset
_DAY = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)?")
_YEAR = re.compile(r"[0-9]{4}")
_TIME = re.compile(r"([0-9]{1,2})(?::([0-9]{2})(?::([0-9]{2}))?)?(am|pm)?")
_OFFSET = re.compile(r"([+-])([0-9]{2}):?([0-9]{2})?")


def parse_published(value: str) -> datetime.datetime:
    """The aware datetime ``value`` names; ValueError with the reason when it names none.

    >>> parse_published("2023-12-11")
    datetime.datetime(2023, 12, 11, 0, 0, tzinfo=datetime.timezone.utc)
    >>> parse_published("12 December 2023 10:05 +0700").isoformat()
    '2023-12-12T10:05:00+07:00'
    >>> parse_published("2023-13-01")
    Traceback (most recent call last):
    ValueError: month 13 is out of range (1-12)
    """
    if not isinstance(value, str):
        raise TypeError(f"a publication date is a str, not {type(value).__name__}")
    if len(value) > MAX_LENGTH:
        raise ValueError(f"too long for a date ({len(value)} characters)")
    text = value.strip()
    if not text:
        raise ValueError("empty date")
    numeric = _NUMERIC_DATE.match(text)
    if numeric:
        return _parse_numeric(numeric, text)
    return _parse_textual(text)


def format_published(value: datetime.datetime) -> str:
    """``YYYY-MM-DD`` for midnight UTC (a date without a time), else ISO 8601 with the offset;
    a naive value is taken as UTC. :func:`parse_published` reads it back.

    >>> format_published(datetime.datetime(2023, 12, 11, 10, 5, tzinfo=datetime.timezone.utc))
    '2023-12-11T10:05:00+00:00'
    """
    if value.utcoffset() is None:
        value = value.replace(tzinfo=_UTC)
    if value.utcoffset() == datetime.timedelta(0) and value.time() == datetime.time(0):
        return value.date().isoformat()
    return value.isoformat()


def has_time(value: datetime.datetime) -> bool:
    """Whether ``value`` gives a time of day: anything but midnight UTC, which is how a date
    alone is held (:func:`format_published`).

    >>> has_time(parse_published("2023-12-11")), has_time(parse_published("2023-12-11T09:30Z"))
    (False, True)
    """
    return format_published(value) != value.date().isoformat()


def published_day(value: datetime.datetime) -> datetime.date:
    """The calendar date as the publisher printed it: the date in ``value``'s own offset.

    >>> published_day(parse_published("Tue, 12 Dec 2023 01:00:00 +0900"))
    datetime.date(2023, 12, 12)
    """
    return value.date()


def _parse_numeric(date: re.Match[str], text: str) -> datetime.datetime:
    year = int(date.group(1))
    month, day = (int(g) for g in _present(date.groups()[1:], 2))
    rest = text[date.end():]
    if not rest:
        return _aware(year, month, day)
    time = _ISO_TIME.fullmatch(rest)
    if time is None:
        raise ValueError(f"unrecognised date: {text!r}")
    hour, minute, second = (int(g or 0) for g in _present(time.groups()[:6], 3, at_least=2))
    fraction, zone = time.group(7), time.group(8)
    if fraction and not (time.group(3) or time.group(6)):  # a fraction of seconds needs seconds
        raise ValueError(f"unrecognised date: {text!r}")
    micro = int((fraction or "").ljust(6, "0")[:6])
    return _aware(year, month, day, hour, minute, second, micro, _offset(zone, text) if zone else 0)


def _present(groups: tuple, size: int, at_least: int | None = None) -> tuple:
    """Of regex groups made of alternatives ``size`` groups wide, those of the alternative
    that matched (its first ``at_least`` groups are set)."""
    for i in range(0, len(groups), size):
        if all(g is not None for g in groups[i:i + (at_least or size)]):
            return groups[i:i + size]
    raise AssertionError("no alternative matched")


def _parse_textual(text: str) -> datetime.datetime:
    """Weekday (ignored), month day year or day month year, [at] time [am|pm], offset or zone."""
    if text.endswith(")") and "(" in text:  # an RFC 2822 comment: "+0000 (UTC)"
        text = text[:text.rindex("(")]
    lowered = text.lower().replace("a.m.", "am").replace("p.m.", "pm")
    tokens = lowered.replace(",", " ").replace(".", " ").split()
    if tokens and tokens[0] in _WEEKDAYS:
        tokens = tokens[1:]
    if len(tokens) < 3 or not _YEAR.fullmatch(tokens[2]):
        raise ValueError(f"unrecognised date: {text!r}")
    for month_at, day_at in ((0, 1), (1, 0)):  # Dec 12 2023, 12 Dec 2023
        day_match = _DAY.fullmatch(tokens[day_at])
        if tokens[month_at] in _MONTHS and day_match:
            month, day = _MONTHS[tokens[month_at]], int(day_match.group(1))
            break
    else:
        raise ValueError(f"unrecognised date: {text!r}")
    year, rest = int(tokens[2]), tokens[3:]
    if rest[:1] == ["at"]:
        rest = rest[1:]
    hour = minute = second = offset = 0
    time = _TIME.fullmatch(rest[0]) if rest else None
    if time:
        rest = rest[1:]
        half = time.group(4)
        if half is None and rest[:1] in (["am"], ["pm"]):
            half, rest = rest[0], rest[1:]
        if time.group(2) is None and half is None:  # a bare number is no time
            raise ValueError(f"unrecognised date: {text!r}")
        hour, minute, second = (int(g or 0) for g in time.groups()[:3])
        if half:
            if not 1 <= hour <= 12:
                raise ValueError(f"hour {hour} is out of range for {half} (1-12)")
            hour = hour % 12 + (12 if half == "pm" else 0)
    if rest:
        offset = _offset(rest[0], text)
        rest = rest[1:]
    if rest:
        raise ValueError(f"unrecognised date: {text!r}")
    return _aware(year, month, day, hour, minute, second, 0, offset)


def _offset(zone: str, text: str) -> int:
    """Minutes east of UTC of ``+07:00``, ``+0700``, ``+07``, ``Z``, ``GMT``, ``EST``... (in ``text``)."""
    if zone.lower() in _ZONES:
        return _ZONES[zone.lower()]
    match = _OFFSET.fullmatch(zone)
    if match is None:
        raise ValueError(f"unknown time zone {zone.upper()!r}" if zone.isalpha() else f"unrecognised date: {text!r}")
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {zone} is out of range")
    return (hours * 60 + minutes) * (-1 if sign == "-" else 1)


def _aware(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0,
           micro: int = 0, offset: int = 0) -> datetime.datetime:
    """The datetime, or a ValueError naming the field out of range."""
    if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
        raise ValueError(f"year {year} is out of range ({datetime.MINYEAR}-{datetime.MAXYEAR})")
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is out of range (1-12)")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise ValueError(f"day {day} is out of range for {_MONTH_NAMES[month - 1]} {year}")
    for name, number, top in (("hour", hour, 23), ("minute", minute, 59), ("second", second, 59)):
        if number > top:
            raise ValueError(f"{name} {number} is out of range (0-{top})")
    zone = _UTC if offset == 0 else datetime.timezone(datetime.timedelta(minutes=offset))
    return datetime.datetime(year, month, day, hour, minute, second, micro, tzinfo=zone)
