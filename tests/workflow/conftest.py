import pytest

from tests.factories import make_team


@pytest.fixture
def team(db):
    return make_team()
