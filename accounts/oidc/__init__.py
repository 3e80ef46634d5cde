"""The OpenID Connect client shared by FranceConnect (applicants) and ProConnect (agents).

The client itself (accounts.oidc.client) imports authlib, joserfc and requests: it is imported
by the code that signs in, not re-exported here, so that loading the URLconf does not load them.
"""

from accounts.oidc.errors import OIDCError
from accounts.oidc.providers import ProviderConfig, get_provider

__all__ = ["OIDCError", "ProviderConfig", "get_provider"]
