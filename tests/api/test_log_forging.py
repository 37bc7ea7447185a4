"""Nothing a client sends can write a line of its own into the log file: paths,
exception messages and any value a log call is given have their line breaks and
other control characters escaped, so every line is one genuine record."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from yarl import URL

from service.app.assembly import create_app
from service.common import logs
from service.common.logs import loggable
from service.http import accesslog
from service.storefront import shop

FORGED = '2030-01-01 00:00:00,000 INFO shopkeep.access: 127.0.0.1 "GET /" 200 FORGED'
_HEADER = re.compile(
    r"^(?P<year>\d{4})-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} (?P<level>[A-Z]+) (?P<name>[\w.]+): "
)
# what a traceback's own lines look like between its header and its exception line
_TRACEBACK = re.compile(
    r"^(\s|Traceback \(most recent call last\):$|During handling of the above exception"
    r"|The above exception was the direct cause|$)"
)

# ways to break a line, or to speak to the terminal of whoever reads the log
BREAKS = {
    "lf": "%0a",
    "crlf": "%0d%0a",
    "cr": "%0d",
    "vt-ff": "%0b%0c",
    "nel": "%c2%85",
    "line-separator": "%e2%80%a8",
    "paragraph-separator": "%e2%80%a9",
    "osc52": "%1b]52;c;Zm9yZ2Vk%07",
    "del-c1": "%7f%c2%9b",
}


def _quoted(text: str) -> str:
    return text.replace(" ", "%20").replace('"', "%22")


@pytest.fixture
def log_file(tmp_path: Path):
    """The log file as ``run.py`` sets it up; the test's own handlers come back after."""
    root = logging.getLogger()
    saved, level = list(root.handlers), root.level
    path = tmp_path / "shopkeep.log"
    logs.setup_logging(str(path))
    yield path
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    logs._file_handler = None
    for handler in saved:
        root.addHandler(handler)
    root.setLevel(level)


@pytest.fixture
async def logged_client(aiohttp_client, ctx, log_file):
    """The real app behind the access logger ``run.py serve`` uses."""
    server = TestServer(create_app(ctx))
    # started here: TestServer drops runner options given to its constructor
    await server.start_server(
        access_log_class=accesslog.BufferedAccessLogger,
        access_log=logging.getLogger("shopkeep.access"),
    )
    return await aiohttp_client(server)


def _records(path: Path) -> list[list[str]]:
    """The file's lines grouped into records; fails on a line that is neither the
    start of a record nor part of an error record's traceback."""
    records: list[list[str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        header = _HEADER.match(line)
        if header:
            assert header["year"] != "2030", f"a forged record: {line!r}"
            assert header["name"].startswith(("shopkeep", "aiohttp", "asyncio")), line
            records.append([line])
            continue
        assert records and _HEADER.match(records[-1][0])["level"] == "ERROR", line
        in_traceback = len(records[-1]) == 1 or _TRACEBACK.match(line)
        assert in_traceback or re.match(r"^[\w.]+(: |$)", line), f"not a traceback line: {line!r}"
        records[-1].append(line)
    return records


async def _finish(client) -> None:
    """Every request answered and logged, the access log's buffer written out."""
    await client.close()
    accesslog.BUFFER.flush()


async def test_a_path_cannot_forge_an_access_log_line(logged_client, log_file):
    for name, newline in BREAKS.items():
        url = URL(f"/wp-json/{name}{newline}{_quoted(FORGED)}", encoded=True)
        resp = await logged_client.get(url)
        assert resp.status == 404
        body = await resp.json()
        assert body["code"] == "rest_no_route", body
        assert (set(body), body["data"]) == ({"code", "message", "data"}, {"status": 404})
    await _finish(logged_client)

    records = _records(log_file)
    access = [record[0] for record in records if "shopkeep.access" in record[0]]
    assert len(access) == len(BREAKS)
    assert all(len(record) == 1 for record in records)
    expected = {
        "lf": "\\x0a",
        "crlf": "\\x0d\\x0a",
        "cr": "\\x0d",
        "vt-ff": "\\x0b\\x0c",
        "nel": "\\x85",
        "line-separator": "\\u2028",
        "paragraph-separator": "\\u2029",
        "osc52": "\\x1b]52;c;Zm9yZ2Vk\\x07",
        "del-c1": "\\x7f\\x9b",
    }
    for line, (name, escaped) in zip(access, expected.items(), strict=True):
        assert f'"GET /wp-json/{name}{escaped}{FORGED}" 404 ' in line, line
    text = log_file.read_text(encoding="utf-8")
    assert "\x1b" not in text and "\x07" not in text and "\u2028" not in text


async def test_an_error_echoing_input_stays_in_its_record(logged_client, log_file, monkeypatch):
    async def failing(ctx, text):
        raise ValueError(f"cannot search for {text}")  # an exception that echoes its input

    monkeypatch.setattr(shop, "search_shop", failing)
    resp = await logged_client.get(
        URL(f"/wp-json/woonoow/v1/shop/search?s=mug%0a{_quoted(FORGED)}", encoded=True)
    )
    assert resp.status == 500
    assert (await resp.json())["code"] == "internal_error"
    await _finish(logged_client)

    records = _records(log_file)
    [error] = [record for record in records if record[0].split()[2] == "ERROR"]
    assert error[0].endswith(
        "shopkeep.http: unhandled error on GET /wp-json/woonoow/v1/shop/search"
    )
    assert error[1] == "Traceback (most recent call last):"
    assert error[-1] == f"ValueError: cannot search for mug\\x0a{FORGED}"
    assert sum(FORGED in line for record in records for line in record) == 1


async def test_any_logged_value_is_escaped_by_the_handlers(log_file):
    """The safety net under every call site: a value given to a shopkeep logger as an
    argument, or formatted into the message, cannot break the line either."""
    log = logging.getLogger("shopkeep.auth")
    email = f"mallory@example.com\r\n{FORGED}"
    log.warning("failed login for %s", email)
    log.warning(f"token {email!s} revoked")
    log.info("event %s", f"wc_1\u2028{FORGED}")
    for handler in logging.getLogger().handlers:
        handler.flush()

    records = _records(log_file)
    assert [len(record) for record in records] == [1, 1, 1]
    assert records[0][0].endswith(f"failed login for mallory@example.com\\x0d\\x0a{FORGED}")
    assert records[1][0].endswith(f"token mallory@example.com\\x0d\\x0a{FORGED} revoked")
    assert records[2][0].endswith(f"event wc_1\\u2028{FORGED}")


@pytest.mark.parametrize(
    ("value", "logged"),
    [
        ("plain /wp-json/wc/v3/products", "plain /wp-json/wc/v3/products"),
        ("a\nb\r\tc", "a\\x0ab\\x0d\\x09c"),
        ("\x00\x1b[31m\x7f\x9b", "\\x00\\x1b[31m\\x7f\\x9b"),
        ("\u2028\u2029\x85", "\\u2028\\u2029\\x85"),
        ("\u202eevil\u2066", "\\u202eevil\\u2066"),
        ("bad bytes \udcff", "bad bytes \\udcff"),
        ("کفش\u200cها 👟", "کفش\u200cها 👟"),  # text, zero-width joiners and emoji stay
        (None, "None"),
    ],
)
def test_loggable(value, logged):
    assert loggable(value) == logged
