"""The OpenID Connect client shared by FranceConnect (applicants) and ProConnect (agents)."""

from accounts.oidc.client import OIDCClient, VerifiedIdentity
from accounts.oidc.errors import OIDCError
from accounts.oidc.providers import ProviderConfig, get_provider

__all__ = ["OIDCClient", "OIDCError", "ProviderConfig", "VerifiedIdentity", "get_provider"]
