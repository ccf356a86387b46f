"""The lean handler of voting day's busiest route (web/direct_route.py) answers exactly as
FastAPI's own handler would: the same 422 for every kind of bad body, the guards first, the
route documented and its permission declared as before; a route it cannot call directly is
refused when the app is built."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi import APIRouter, Depends, FastAPI, HTTPException, Request, Response
from fastapi.testclient import TestClient
from pydantic import AwareDatetime, BaseModel, Field

from pollguard.store.database import Database
from pollguard.web.app import create_app
from pollguard.web.direct_route import DirectRoute
from pollguard.web.security import declared_permission


class Body(BaseModel):
    name: str = Field(min_length=1, max_length=5)
    count: int = Field(ge=1)
    at: AwareDatetime


async def guard(request: Request) -> str:
    if request.headers.get("x-who") != "bripka":
        raise HTTPException(401, "who?")
    return "bripka"


async def endpoint(body: Body, request: Request, who: str = Depends(guard)) -> Response:
    return Response(f'{{"who": "{who}", "count": {body.count}}}', status_code=201,
                    media_type="application/json")


def _client() -> TestClient:
    router = APIRouter()
    for path, route_class in (("/general", None), ("/direct", DirectRoute)):
        router.add_api_route(path, endpoint, methods=["POST"], route_class_override=route_class)
    app = FastAPI()
    app.include_router(router, prefix="/api")
    return TestClient(app, headers={"x-who": "bripka"})


BAD: list[tuple[str, Any, str]] = [
    ("missing field", {"name": "a", "at": "2024-11-27T07:00:00+07:00"}, "application/json"),
    ("wrong type", {"name": "a", "count": "many", "at": "2024-11-27T07:00:00+07:00"},
     "application/json"),
    ("out of range", {"name": "abcdefg", "count": 0, "at": "2024-11-27T07:00:00+07:00"},
     "application/json"),
    ("no zone", {"name": "a", "count": 1, "at": "2024-11-27T07:00:00"}, "application/json"),
    ("a list", [1, 2], "application/json"),
    ("not JSON", "{name: a", "application/json"),
    ("empty", "", "application/json"),
    ("form", "name=a&count=1", "application/x-www-form-urlencoded"),
]


@pytest.mark.parametrize(("what", "body", "kind"), BAD, ids=[b[0] for b in BAD])
def test_a_bad_body_gets_the_same_422_as_from_fastapis_handler(what: str, body: Any,
                                                                kind: str) -> None:
    client = _client()
    raw = body if isinstance(body, str) else json.dumps(body)
    answers = [client.post(f"/api/{p}", content=raw, headers={"content-type": kind})
               for p in ("general", "direct")]
    assert [a.status_code for a in answers] == [422, 422], what
    general, direct = ([(e["type"], e["loc"], e["msg"]) for e in a.json()["detail"]]
                       for a in answers)
    assert direct == general, what


def test_a_good_body_reaches_the_endpoint_with_the_guards_answer() -> None:
    r = _client().post("/api/direct", json={"name": "a", "count": 3,
                                            "at": "2024-11-27T07:00:00+07:00"})
    assert (r.status_code, r.json()) == (201, {"who": "bripka", "count": 3})


def test_the_guards_answer_before_the_body_is_read() -> None:
    r = _client().post("/api/direct", content="{not json", headers={"x-who": "nobody"})
    assert r.status_code == 401


def test_a_route_of_another_shape_is_refused_when_built() -> None:
    async def with_query(body: Body, request: Request, page: int = 1) -> Response:
        return Response()

    def not_async(body: Body, request: Request) -> Response:
        return Response()

    for bad in (with_query, not_async):
        router = APIRouter()
        with pytest.raises(TypeError, match="DirectRoute"):
            router.add_api_route("/x", bad, methods=["POST"], route_class_override=DirectRoute)


def test_the_report_route_is_documented_and_declares_its_permission(
        planned_db: Database) -> None:
    app = create_app(planned_db)
    route = next(r for r in app.state.api_routers[0].routes
                 if getattr(r, "path", "") == "/reports" and "POST" in r.methods)
    assert isinstance(route, DirectRoute)
    assert declared_permission(route) == "report:write"
    spec = TestClient(app).get("/api/v1/openapi.json").json()
    post = spec["paths"]["/api/v1/reports"]["post"]
    assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ReportIn")
    assert {"200", "201", "401", "403", "404", "409", "422"} <= set(post["responses"])
    r = TestClient(app).post("/api/v1/reports", json={})
    assert r.status_code == 401 and r.json()["code"]
