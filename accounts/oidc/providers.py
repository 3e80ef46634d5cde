"""The configured OpenID providers (settings FRANCECONNECT and PROCONNECT, docs/deploy.md)."""

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class ProviderConfig:
    name: str  # FederatedIdentity.Provider value
    label: str  # shown to people
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    acr_values: str  # sent, and the returned `acr` must be one of them (empty: not checked)
    redirect_uri: str  # empty: this site's callback URL
    post_logout_redirect_uri: str
    # FranceConnect v2 signs with ES256 or RS256 only (reference §6.1).
    algorithms: tuple[str, ...] = ("ES256", "RS256")

    @property
    def enabled(self) -> bool:
        return bool(self.issuer)


SETTINGS = {
    "franceconnect": ("FRANCECONNECT", "FranceConnect"),
    "proconnect": ("PROCONNECT", "ProConnect"),
}


def _is_loopback(url: str) -> bool:
    return urlsplit(url).hostname in {"127.0.0.1", "localhost", "::1"}


def get_provider(name: str) -> ProviderConfig:
    """The provider's settings, checked: an enabled provider without credentials, or with an
    issuer that is not https (loopback excepted), is a configuration error, never a silent
    unsafe sign-in."""
    setting, label = SETTINGS[name]
    values = getattr(settings, setting)
    config = ProviderConfig(
        name=name,
        label=label,
        issuer=values["ISSUER"].rstrip("/"),
        client_id=values["CLIENT_ID"],
        client_secret=values["CLIENT_SECRET"],
        scopes=values["SCOPES"],
        acr_values=values["ACR_VALUES"],
        redirect_uri=values["REDIRECT_URI"],
        post_logout_redirect_uri=values["POST_LOGOUT_REDIRECT_URI"],
    )
    if config.enabled:
        if not config.client_id or not config.client_secret:
            raise ImproperlyConfigured(f"{setting}_CLIENT_ID and _CLIENT_SECRET are required")
        if not config.issuer.startswith("https://") and not _is_loopback(config.issuer):
            raise ImproperlyConfigured(f"{setting}_ISSUER must use https (or be on 127.0.0.1)")
    return config
