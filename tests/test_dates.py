"""Tests for dedup.dates: the forms news prints, impossible dates, garbage, bounded
time on huge input, and format/parse round trips."""

from __future__ import annotations

import datetime as dt
import random
import re
import time

import pytest

from dedup.dates import MAX_LENGTH, format_published, parse_published, published_day

UTC = dt.timezone.utc


def tz(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


ACCEPTED = [
    # ISO 8601 / RFC 3339
    ("2023-12-11", dt.datetime(2023, 12, 11, tzinfo=UTC)),
    ("2023-12-11T10:05:00Z", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("2023-12-11t10:05:00z", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("2023-12-11T10:05:00+07:00", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(7))),
    ("2023-12-11T10:05:00-05:30", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(-5, -30))),
    ("2023-12-11T10:05:00+0700", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(7))),
    ("2023-12-11T10:05:00+07", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(7))),
    ("2023-12-11T10:05:00.250Z", dt.datetime(2023, 12, 11, 10, 5, 0, 250000, tzinfo=UTC)),
    ("2023-12-11T10:05:00.123456789+00:00", dt.datetime(2023, 12, 11, 10, 5, 0, 123456, tzinfo=UTC)),
    ("2023-12-11T10:05:00", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),  # naive: UTC
    ("2023-12-11 10:05", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("2023-12-11 10:05 UTC", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("2023-12-11 10:05 EST", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(-5))),
    ("20231211", dt.datetime(2023, 12, 11, tzinfo=UTC)),
    ("20231211T100500Z", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("20231211T1005+0700", dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(7))),
    ("2023/12/11", dt.datetime(2023, 12, 11, tzinfo=UTC)),
    ("2024/3/5", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("2023/12/11 10:05", dt.datetime(2023, 12, 11, 10, 5, tzinfo=UTC)),
    ("  2023-12-11\n", dt.datetime(2023, 12, 11, tzinfo=UTC)),
    # RFC 2822
    ("Tue, 12 Dec 2023 10:00:00 +0000", dt.datetime(2023, 12, 12, 10, tzinfo=UTC)),
    ("Tue, 12 Dec 2023 10:00:00 GMT", dt.datetime(2023, 12, 12, 10, tzinfo=UTC)),
    ("Tue, 12 Dec 2023 10:00:00 -0500", dt.datetime(2023, 12, 12, 10, tzinfo=tz(-5))),
    ("Tue, 12 Dec 2023 10:00:00 -0000", dt.datetime(2023, 12, 12, 10, tzinfo=UTC)),
    ("Tue, 12 Dec 2023 10:00:00 +0000 (UTC)", dt.datetime(2023, 12, 12, 10, tzinfo=UTC)),
    ("Tue, 12 Dec 2023 10:00 PST", dt.datetime(2023, 12, 12, 10, tzinfo=tz(-8))),
    ("12 Dec 2023 10:00:00 Z", dt.datetime(2023, 12, 12, 10, tzinfo=UTC)),
    # textual forms
    ("Dec 12, 2023", dt.datetime(2023, 12, 12, tzinfo=UTC)),
    ("December 12, 2023", dt.datetime(2023, 12, 12, tzinfo=UTC)),
    ("12 December 2023", dt.datetime(2023, 12, 12, tzinfo=UTC)),
    ("12 Dec. 2023", dt.datetime(2023, 12, 12, tzinfo=UTC)),
    ("Dec. 12, 2023", dt.datetime(2023, 12, 12, tzinfo=UTC)),
    ("Sept. 1, 2024", dt.datetime(2024, 9, 1, tzinfo=UTC)),
    ("Tue. Mar 5th, 2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("Tuesday, March 5, 2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("TUESDAY, MARCH 5, 2024", dt.datetime(2024, 3, 5, tzinfo=UTC)),
    ("1st January 2024", dt.datetime(2024, 1, 1, tzinfo=UTC)),
    ("March 5, 2024 10:05", dt.datetime(2024, 3, 5, 10, 5, tzinfo=UTC)),
    ("March 5, 2024 at 10:05 p.m. EST", dt.datetime(2024, 3, 5, 22, 5, tzinfo=tz(-5))),
    ("March 5, 2024, 12:30 am", dt.datetime(2024, 3, 5, 0, 30, tzinfo=UTC)),
    ("March 5, 2024 12pm +07:00", dt.datetime(2024, 3, 5, 12, tzinfo=tz(7))),
    ("Feb 29, 2024", dt.datetime(2024, 2, 29, tzinfo=UTC)),
]


@pytest.mark.parametrize("text, expected", ACCEPTED)
def test_accepted_forms(text, expected):
    value = parse_published(text)
    assert value == expected
    assert value.utcoffset() == expected.utcoffset()  # the printed offset is kept, not converted


@pytest.mark.parametrize("text, reason", [
    ("Feb 31, 2023", "day 31 is out of range for February 2023"),
    ("2023-02-30", "day 30 is out of range for February 2023"),
    ("Feb 29, 2023", "day 29 is out of range for February 2023"),
    ("2023-04-31T10:00Z", "day 31 is out of range for April 2023"),
    ("0 March 2024", "day 0 is out of range for March 2024"),
    ("2023-13-01", "month 13 is out of range (1-12)"),
    ("2023-00-10", "month 0 is out of range (1-12)"),
    ("0000-01-01", "year 0 is out of range"),
    ("2023-12-11T24:00", "hour 24 is out of range (0-23)"),
    ("2023-12-11T10:60", "minute 60 is out of range (0-59)"),
    ("Dec 12, 2023 10:05:61", "second 61 is out of range (0-59)"),
    ("Dec 12, 2023 13:05 pm", "hour 13 is out of range for pm (1-12)"),
    ("2023-12-11T10:05+25:00", "offset +25:00 is out of range"),
    ("Dec 12, 2023 10:05 CET", "unknown time zone 'CET'"),
])
def test_impossible_dates_say_why(text, reason):
    with pytest.raises(ValueError, match=f"^{re.escape(reason)}"):
        parse_published(text)


@pytest.mark.parametrize("text", [
    "", "   ", "yesterday", "2023", "2023-12", "12/11/2023", "11.12.2023", "Dec 2023", "Smarch 12, 2023",
    "Dec 12", "Dec 123, 2023", "Dec 12, 23", "2023-12-11Z", "2023-1211", "2023-12-11T10", "2023-12-11T10:05.5Z",
    "2023-12-11 garbage", "Dec 12, 2023 10", "Dec 12, 2023 2024", "Dec 12, 2023 10:05 +07:00 extra",
    "１２ Dec 2023", "٢٠٢٣-١٢-١١", "Monday", "<script>", "2023-12-11T10:05:00+07:00:00",
])
def test_garbage_is_a_value_error(text):
    with pytest.raises(ValueError):
        parse_published(text)


def test_not_a_string_is_a_type_error():
    with pytest.raises(TypeError):
        parse_published(None)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", [
    "2023" * 2_500_000, " " * 10_000_000, "Dec 12, " * 1_250_000, "1" * 10_000_000, "(" + "x" * 10_000_000 + ")",
])
def test_huge_strings_fail_fast(text):
    start = time.perf_counter()
    with pytest.raises(ValueError, match="too long"):
        parse_published(text)
    assert time.perf_counter() - start < 0.5


@pytest.mark.parametrize("text", [
    "1" * MAX_LENGTH, "Dec " * (MAX_LENGTH // 4), "(" * MAX_LENGTH, "2023-12-11" + " " * (MAX_LENGTH - 10),
    "Tue, " * (MAX_LENGTH // 5), ":" * MAX_LENGTH,
])
def test_strings_at_the_limit_are_read_fast(text):
    start = time.perf_counter()
    for _ in range(100):
        try:
            parse_published(text)
        except ValueError:
            pass
    assert time.perf_counter() - start < 0.5


def test_just_over_the_limit_is_too_long():
    assert parse_published("2023-12-11".ljust(MAX_LENGTH)).year == 2023
    with pytest.raises(ValueError, match="too long"):
        parse_published("2023-12-11".ljust(MAX_LENGTH + 1))


@pytest.mark.parametrize("value, text", [
    (dt.datetime(2023, 12, 11, tzinfo=UTC), "2023-12-11"),
    (dt.datetime(2023, 12, 11, tzinfo=tz(0)), "2023-12-11"),
    (dt.datetime(2023, 12, 11), "2023-12-11"),  # naive: UTC
    (dt.datetime(2023, 12, 11, tzinfo=tz(7)), "2023-12-11T00:00:00+07:00"),
    (dt.datetime(2023, 12, 11, 0, 0, 1, tzinfo=UTC), "2023-12-11T00:00:01+00:00"),
    (dt.datetime(2023, 12, 11, 10, 5, tzinfo=tz(-5, -30)), "2023-12-11T10:05:00-05:30"),
    (dt.datetime(2023, 12, 11, 10, 5, 0, 250, tzinfo=UTC), "2023-12-11T10:05:00.000250+00:00"),
])
def test_format(value, text):
    assert format_published(value) == text


@pytest.mark.parametrize("text", [text for text, _ in ACCEPTED])
def test_round_trip_of_every_form(text):
    value = parse_published(text)
    again = parse_published(format_published(value))
    assert again == value and again.utcoffset() == value.utcoffset()
    assert format_published(again) == format_published(value)


def test_round_trip_of_random_values():
    rng = random.Random(7)
    for _ in range(2000):
        offset = dt.timedelta(minutes=rng.choice([0, 0, 60, -300, 330, 345, -570, 840, -23 * 60 - 59]))
        zone = UTC if not offset else dt.timezone(offset)
        value = dt.datetime(rng.randint(1, 9999), rng.randint(1, 12), rng.randint(1, 28), rng.choice([0, rng.randint(0, 23)]),
                            rng.choice([0, rng.randint(0, 59)]), rng.choice([0, rng.randint(0, 59)]),
                            rng.choice([0, rng.randint(0, 999_999)]), tzinfo=zone)
        again = parse_published(format_published(value))
        assert again == value and again.utcoffset() == value.utcoffset(), value


@pytest.mark.parametrize("text, day", [
    ("Tue, 12 Dec 2023 23:30:00 -0500", dt.date(2023, 12, 12)),  # 13 Dec in UTC
    ("2023-12-12T01:00:00+09:00", dt.date(2023, 12, 12)),  # 11 Dec in UTC
    ("Dec 12, 2023", dt.date(2023, 12, 12)),
    ("2023-12-12T23:59:59Z", dt.date(2023, 12, 12)),
])
def test_published_day_is_the_printed_date(text, day):
    assert published_day(parse_published(text)) == day
