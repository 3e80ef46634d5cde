"""Schemathesis against the schema the application serves (/api/schema/): generated calls on
every operation give no 5xx and responses that match the schema; the same calls without a
token, or on another commune's dossier, are refused."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.urls import resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import ALL_CHECKS, negative_data_rejection

from config.wsgi import application
from tests.api.conftest import bearer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:schemathesis.*")

# Every check, status_code_conformance included: each answer's status is in the schema.
CHECKS = ALL_CHECKS


@pytest.fixture
def served_schema(db, settings):
    settings.API_FEED_SETTLE_SECONDS = 0  # serve the events the fixture just recorded
    loaded = _load()  # (the test client reconnects the signals below when it is done)
    # Called through WSGI, each request would close the test's connection (and its
    # transaction) at request_finished: Django's test client unhooks it the same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield loaded
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _load():
    response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    # Valid and invalid data: negative_data_rejection wants a 4xx for the invalid.
    methods = schemathesis.DataGenerationMethod.all()
    return schemathesis.from_dict(response.json(), app=application, data_generation_methods=methods)


schema = schemathesis.from_pytest_fixture("served_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_calls(case, world):
    case.cookies = {}  # a generated session cookie is no session: the caller is the token
    response = case.call_wsgi(headers=bearer_header(world.token))
    # drf-spectacular's own view ignores a bad `format` or `lang`: no negative check there.
    excluded = (negative_data_rejection,) if case.path == "/api/schema/" else ()
    validate(case, response, world.token, excluded)
    anonymous = case.call_wsgi(headers={})
    if resolve(case.formatted_path).url_name == "not_found":
        return  # a generated id the URL's <int:pk> refuses (negative…): no view, a JSON 404
    if case.path != "/api/schema/":
        assert anonymous.status_code == 401


def _operations(served_schema):
    return [op.ok() for op in served_schema.get_all_operations() if op.ok().path != "/api/schema/"]


def test_every_operation_on_real_dossiers(served_schema, world):
    """Real ids (random ones are mostly 404): own commune answers and matches the schema,
    the other commune's dossier is a 404."""
    for operation in _operations(served_schema):
        query = {"commune": "91216", "ref": ["AB 1"]} if "parcels" in operation.path else None
        for key, expected in (("a1", 200), ("b", 404)):
            params = {"id": world.dossiers[key].pk} if "{id}" in operation.path else {}
            if not params and key == "b":
                continue
            case = operation.make_case(path_parameters=params, query=query)
            response = case.call_wsgi(headers=bearer_header(world.token))
            assert response.status_code == expected, (operation.path, key)
            validate(case, response, world.token)


def validate(case, response, token, excluded=()):
    """Every check. The token is named as the caller's own auth, so ignored_auth replays the
    call without it, then with a made-up token or session cookie, and expects 401 each time."""
    auth = bearer_header(token)
    case.cookies = case.cookies or {}  # where ignored_auth puts its made-up session cookie
    case.headers = case.headers or {}
    case.validate_response(
        response,
        checks=tuple(c for c in CHECKS if c not in excluded),
        headers=auth,
        transport_kwargs={"headers": auth},
    )


def bearer_header(token):
    return {"Authorization": bearer(token)["HTTP_AUTHORIZATION"]}


def test_every_operation_documents_its_refusals():
    schema = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    error = {"$ref": "#/components/schemas/Error"}
    for path, item in schema["paths"].items():
        for operation in item.values():
            responses = operation["responses"]
            expected = {"200", "400", "404"} | (
                set() if path == "/api/schema/" else {"401", "403", "429"}
            )
            assert expected <= set(responses), path
            if path != "/api/schema/":
                assert responses["401"]["content"]["application/json"]["schema"] == error
                assert "Retry-After" in responses["429"]["headers"]
    assert schema["components"]["schemas"]["Error"]["required"] == ["detail"]
