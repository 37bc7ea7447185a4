"""schemathesis against ``run.py serve``, from the server's own ``GET /openapi.json``.

Every operation of the document gets a few generated requests (a fixed seed, no
shrinking, as an administrator); no answer may be a server error, have a status the
document does not list for that operation, or a body that does not match the schema
listed for that status.
"""

from __future__ import annotations

import subprocess
import sys

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from support import REPO, start_server
from test_run_serve import post

ADMIN, PASSWORD = "admin@example.com", "correct horse battery"


def no_server_error(ctx, response, case):
    """A 5xx is a failure, except WooCommerce's 501 for "cannot be trashed, use force",
    where the document lists it."""
    if response.status_code == 501 and "501" in case.operation.definition.raw["responses"]:
        return None
    return not_a_server_error(ctx, response, case)


CHECKS = [no_server_error, status_code_conformance, response_schema_conformance]
EXAMPLES = 6


def test_the_live_server_keeps_to_its_openapi_document(tmp_path):
    db = tmp_path / "schemathesis.db"
    subprocess.run(
        [sys.executable, str(REPO / "run.py"), "users", "create", ADMIN, "--db", str(db),
         "--password", PASSWORD, "--role", "administrator"],
        check=True, cwd=REPO, capture_output=True, timeout=60,
    )  # fmt: skip
    server = start_server(db, "--demo")
    login = {"email": ADMIN, "password": PASSWORD}
    status, tokens = post(f"{server.url}/api/v1/auth/login/", login)
    assert status == 200, tokens
    admin = {"Authorization": f"Bearer {tokens['access']}"}

    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            derandomize=True,  # the same examples on every run
            database=None,
            deadline=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(
            case=st.one_of(
                operation.as_strategy(GenerationMode.POSITIVE),
                operation.as_strategy(GenerationMode.NEGATIVE),
            )
        )
        def conforms(case):
            response = case.call(base_url=server.url, headers=admin, timeout=10)
            case.validate_response(response, checks=CHECKS)

        try:
            conforms()
        except (Exception, BaseExceptionGroup) as exc:  # schemathesis groups its failures
            failures.append(f"{operation.method.upper()} {operation.path}: {exc}")
    assert operations >= 100
    assert not failures, "\n\n".join(failures)
