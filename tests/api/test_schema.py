"""Schemathesis against the schema the application serves (/api/schema/): generated calls on
every operation give no 5xx and responses that match the schema; the same calls without a
token, or on another commune's dossier, are refused."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from config.wsgi import application
from tests.api.conftest import bearer

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:schemathesis.*")

CHECKS = (not_a_server_error, response_schema_conformance, content_type_conformance)


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
    return schemathesis.from_dict(response.json(), app=application)


schema = schemathesis.from_pytest_fixture("served_schema")


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_generated_calls(case, world):
    response = case.call_wsgi(headers={"Authorization": f"Bearer {world.token}"})
    case.validate_response(response, checks=CHECKS)
    anonymous = case.call_wsgi(headers={})
    try:
        resolve(case.formatted_path)
    except Resolver404:  # a generated id the URL's <int:pk> refuses (negative…): no view
        return
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
            if expected == 200:
                case.validate_response(response, checks=CHECKS)


def bearer_header(token):
    return {"Authorization": bearer(token)["HTTP_AUTHORIZATION"]}
