"""``run.py serve --log-file``: a request path cannot write a line of its own."""

from __future__ import annotations

import http.client
import re
import signal
from urllib.parse import urlsplit

from support import start_server

FORGED = "2030-01-01%2000:00:00,000%20INFO%20shopkeep.access:%20127.0.0.1%20200%20FORGED"
RECORD = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ [\w.]+: ")


def test_forged_paths_stay_inside_their_own_line(tmp_path):
    log_file = tmp_path / "out" / "shop.log"
    server = start_server(tmp_path / "shop.db", "--log-file", str(log_file))
    address = urlsplit(server.url)
    for newline in ("%0a", "%0d%0a", "%e2%80%a8"):
        conn = http.client.HTTPConnection(address.hostname, address.port, timeout=5)
        conn.request("GET", f"/wp-json/x{newline}{FORGED}")
        assert conn.getresponse().status == 404
        conn.close()
    assert server.stop(signal.SIGTERM) == 0

    lines = log_file.read_text(encoding="utf-8").splitlines()
    assert all(RECORD.match(line) and not line.startswith("2030") for line in lines), lines
    forged = [line for line in lines if "FORGED" in line]
    assert len(forged) == 3
    for line, escaped in zip(forged, ("\\x0a", "\\x0d\\x0a", "\\u2028"), strict=True):
        assert " INFO shopkeep.access: " in line
        assert f'"GET /wp-json/x{escaped}{FORGED.replace("%20", " ")}" 404 ' in line
