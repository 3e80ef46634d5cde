from types import SimpleNamespace

import pytest
from django.test import Client

from accounts.models import Membership, Role
from api.models import Scope, ServiceAccount
from tests.factories import CommuneFactory, UserFactory, filed_dossier, make_team


@pytest.fixture
def world(db):
    """Two communes with a filed dossier each, and a system holding a token for the first."""
    team_a = make_team()
    team_b = make_team(CommuneFactory(insee_code="91345", name="Longjumeau", population=21000))
    dossiers = {
        "a1": filed_dossier(team_a, description="Maison et garage"),
        "a2": filed_dossier(team_a, procedure="DP"),
        "b": filed_dossier(team_b),
    }
    account, token = ServiceAccount.create("SIG départemental", [team_a.commune], Scope.values)
    _, events_only = ServiceAccount.create("Connecteur", [team_a.commune], [Scope.EVENTS])
    return SimpleNamespace(
        a=team_a, b=team_b, dossiers=dossiers, account=account, token=token, events_only=events_only
    )


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.fixture
def system(world):
    client = Client()
    client.defaults.update(bearer(world.token))
    return client


@pytest.fixture
def guichet_b(world):
    """An agent of the second commune, signed in to the site."""
    user = UserFactory()
    Membership.objects.create(user=user, role=Role.GUICHET, commune=world.b.commune)
    client = Client()
    client.force_login(user)
    return client
