"""A lean handler for voting day's busiest route, declared like every other route.

``POST /api/v1/reports`` is nearly every request on voting day (about 725 a second at the
national peak, issue 18). FastAPI's general handler builds each request's parameters by
solving the dependency graph: per call it parses the query string, walks every dependency,
checks the content type through ``email.message``, decodes the JSON and then validates the
decoded object. Profiled under load, that machinery cost more CPU than the route's own work.

``DirectRoute`` is FastAPI's documented extension point (``APIRoute.get_route_handler``) used
for a route of a simple shape: a ``Request``, one Pydantic body model and guard dependencies
that take only the request (``security.needs``). The endpoint, its OpenAPI description and
its declared permission stay exactly as written; only the call differs: the guards are awaited
in order, the body is validated straight from its bytes (``model_validate_json``), and the
endpoint returns its own ``Response``. A body that fails validation raises the same
``RequestValidationError`` (locations under ``body``) that the app's handler turns into the
same 422 as on any route. A route of any other shape is refused when the app is built.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


def _is_json(content_type: str) -> bool:
    """``application/json`` or ``application/...+json``, parameters (charset) aside: what
    FastAPI's own handler reads as JSON."""
    kind = content_type.partition(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/")
                                          and kind.endswith("+json"))


def _errors(model: type[BaseModel], raw: bytes, as_json: bool) -> list[dict[str, Any]]:
    """A refused body's errors in the words FastAPI's handler gives (it decodes a JSON body,
    then validates the object, or the bytes of any other body): worked out again on this rare
    path so that the fast one stays ``model_validate_json``."""
    if not raw:
        return [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
    given: Any = raw
    if as_json:
        try:
            given = json.loads(raw)
        except json.JSONDecodeError as exc:
            return [{"type": "json_invalid", "loc": ("body", exc.pos),
                     "msg": "JSON decode error", "input": {}, "ctx": {"error": exc.msg}}]
    try:
        model.model_validate(given, from_attributes=True)
    except ValidationError as exc:
        return [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
    return [{"type": "value_error", "loc": ("body",), "msg": "Invalid body", "input": None}]


class DirectRoute(APIRoute):
    """An ``APIRoute`` whose handler calls the endpoint directly (see the module)."""

    def get_route_handler(self) -> Handler:
        dependant = self.dependant
        endpoint = dependant.call
        if (dependant.path_params or dependant.query_params or dependant.header_params
                or dependant.cookie_params or len(dependant.body_params) != 1
                or dependant.request_param_name is None or endpoint is None
                or not inspect.iscoroutinefunction(endpoint)):
            raise TypeError(f"{self.path}: a DirectRoute takes a Request, one body model and "
                            "guards of the request, and is async")
        body = dependant.body_params[0]
        model = body.field_info.annotation
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise TypeError(f"{self.path}: the body of a DirectRoute is a Pydantic model")
        guards: list[tuple[str, Callable[[Request], Awaitable[Any]]]] = []
        for dep in dependant.dependencies:
            if (dep.name is None or dep.call is None or dep.dependencies
                    or not inspect.iscoroutinefunction(dep.call)
                    or dep.request_param_name is None or dep.body_params or dep.query_params
                    or dep.path_params or dep.header_params or dep.cookie_params):
                raise TypeError(f"{self.path}: a DirectRoute's dependencies are async guards "
                                "of the request alone")
            guards.append((dep.name, dep.call))
        request_name, body_name = dependant.request_param_name, body.name

        async def handler(request: Request) -> Response:
            values: dict[str, Any] = {request_name: request}
            for name, guard in guards:  # who calls, before the body is read
                values[name] = await guard(request)
            raw = await request.body()
            as_json = bool(raw) and _is_json(request.headers.get("content-type", ""))
            try:
                if not as_json:
                    raise RequestValidationError(_errors(model, raw, as_json))
                values[body_name] = model.model_validate_json(raw)
            except ValidationError as exc:
                raise RequestValidationError(_errors(model, raw, as_json)) from exc
            response = await endpoint(**values)
            if not isinstance(response, Response):
                raise TypeError(f"{self.path}: a DirectRoute's endpoint returns a Response")
            return response

        return handler
