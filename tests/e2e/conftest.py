# The local FranceConnect-like provider (tests/accounts/conftest.py).
from tests.accounts.conftest import franceconnect_node  # noqa: F401
