"""Schemathesis against the app's own OpenAPI document, logged in as Polda command: for every
route, generated requests never get a 5xx, and every response matches the status codes,
content type and schema the document declares."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from pollguard.store.database import Database
from pollguard.web.app import api_routes, create_app
from web_client import token_headers

# The operations, read from the app's routes (an in-memory database is enough for that).
OPERATIONS = sorted((method, path) for path, route in api_routes(create_app("sqlite://"))
                    for method in route.methods)
CHECKS = [checks.not_a_server_error, checks.status_code_conformance,
          checks.content_type_conformance, checks.response_schema_conformance]


@pytest.fixture(scope="module")
def web_schema(planned_db: Database) -> tuple[schemathesis.BaseSchema, dict[str, str]]:
    app: FastAPI = create_app(planned_db)
    return (schemathesis.openapi.from_asgi("/api/v1/openapi.json", app),
            token_headers(planned_db, "polda"))


def test_every_route_is_fuzzed() -> None:
    assert len(OPERATIONS) >= 25


@pytest.mark.slow
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_no_server_error_and_every_response_matches_its_schema(
        web_schema: tuple[schemathesis.BaseSchema, dict[str, str]], method: str,
        path: str) -> None:
    schema, headers = web_schema
    operation = schema[path][method]
    examples = 3 if path.endswith("/drafts") else 8  # each valid draft re-plans (a second)

    @given(case=operation.as_strategy())
    @settings(max_examples=examples, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)

    run()
