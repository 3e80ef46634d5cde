"""Authorization code flow with PKCE against FranceConnect v2 or ProConnect (reference §6.1, §6.3).

Authlib builds the authorization URL and exchanges the code; joserfc verifies the ID token and
the userinfo response, which FranceConnect v2 sends as a signed JWT that Authlib's `userinfo()`
cannot read. The key is chosen here, not by the library: by `kid`, refetching the JWKS once on
an unknown one; without `kid`, only when the provider's freshly fetched set holds exactly one key
for the algorithm (never guessed among several keys, never judged on a stale cache).
"""

import base64
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from joserfc import jwt
from joserfc.errors import BadSignatureError, JoseError
from joserfc.jwk import KeySet

from accounts.oidc.errors import OIDCError
from accounts.oidc.providers import ProviderConfig

logger = logging.getLogger(__name__)

LEEWAY_S = 30  # clock skew tolerated on exp and iat
DISCOVERY_TTL_S = 3600
KEY_TYPE_BY_ALG = {"ES256": "EC", "RS256": "RSA"}
# state and nonce: ≥ 32 random characters (reference §6.1); token_urlsafe(32) gives 43.
RANDOM_BYTES = 32

_discovery: dict[str, tuple[float, dict]] = {}
_jwks: dict[str, KeySet] = {}


def clear_caches():
    """Forget discovery documents and keys (tests that restart a provider)."""
    _discovery.clear()
    _jwks.clear()


@dataclass(frozen=True)
class AuthorizationRequest:
    url: str
    state: str
    nonce: str
    code_verifier: str


@dataclass(frozen=True)
class VerifiedIdentity:
    provider: str
    sub: str
    claims: dict  # the userinfo claims as received (minus the JWT's own iss, aud, iat, exp)
    id_token: str  # kept for the logout (id_token_hint)
    acr: str
    amr: list = field(default_factory=list)


def _b64json(segment: str) -> dict:
    padded = segment + "=" * (-len(segment) % 4)
    return json.loads(base64.urlsafe_b64decode(padded))


class OIDCClient:
    def __init__(self, config: ProviderConfig, redirect_uri: str, post_logout_redirect_uri=""):
        self.config = config
        self.redirect_uri = redirect_uri
        self.post_logout_redirect_uri = post_logout_redirect_uri
        self.http = requests.Session()
        self.timeout = settings.OIDC_HTTP_TIMEOUT_S

    # Provider metadata and keys.

    def _get(self, url: str, **kwargs) -> requests.Response:
        try:
            response = self.http.get(url, timeout=self.timeout, **kwargs)
        except requests.RequestException as exc:
            raise OIDCError("unavailable", f"GET {url}: {exc}") from exc
        if response.status_code != 200:
            raise OIDCError("unavailable", f"GET {url}: HTTP {response.status_code}")
        return response

    def metadata(self) -> dict:
        cached = _discovery.get(self.config.issuer)
        if cached and time.monotonic() - cached[0] < DISCOVERY_TTL_S:
            return cached[1]
        url = f"{self.config.issuer}/.well-known/openid-configuration"
        try:
            document = self._get(url).json()
        except ValueError as exc:
            raise OIDCError("unavailable", "discovery is not JSON") from exc
        # OpenID Connect Discovery §4.3: the document names the issuer we asked.
        if document.get("issuer") != self.config.issuer:
            raise OIDCError("issuer", f"discovery issuer {document.get('issuer')!r}")
        _discovery[self.config.issuer] = (time.monotonic(), document)
        return document

    def _keys(self, refresh: bool = False) -> KeySet:
        if refresh or self.config.issuer not in _jwks:
            try:
                _jwks[self.config.issuer] = KeySet.import_key_set(
                    self._get(self.metadata()["jwks_uri"]).json()
                )
            except (ValueError, JoseError) as exc:
                raise OIDCError("key", f"unreadable JWKS: {exc}") from exc
        return _jwks[self.config.issuer]

    def _key_for(self, header: dict):
        alg, kid = header["alg"], header.get("kid")
        if kid is None:
            # Without `kid` the key is the provider's only one for the algorithm, judged on its
            # current set: a cache filled by an earlier sign-in may miss a key published since,
            # so the set is always refetched (the outcome never depends on the cache).
            candidates = self._candidates(self._keys(refresh=True), alg)
            if len(candidates) != 1:
                raise OIDCError("key", f"no kid and {len(candidates)} keys for alg={alg}")
            return candidates[0]
        for refresh in (False, True):  # an unknown kid: refetched once (a key rotation)
            candidates = [k for k in self._candidates(self._keys(refresh), alg) if k.kid == kid]
            if candidates:
                return candidates[0]
        raise OIDCError("key", f"no key for kid={kid!r} alg={alg}")

    @staticmethod
    def _candidates(keys: KeySet, alg: str) -> list:
        return [
            key
            for key in keys.keys
            if key.key_type == KEY_TYPE_BY_ALG[alg]
            and key.get("alg") in (None, alg)
            and key.get("use") in (None, "sig")
        ]

    # Tokens.

    def _verify_jwt(self, token: str) -> dict:
        """The verified claims of a compact JWS signed with one of the allowed algorithms."""
        try:
            header = _b64json(token.split(".")[0])
        except (ValueError, IndexError) as exc:
            raise OIDCError("claims", "not a compact JWT") from exc
        # Before any key is looked at: `none`, HS256 (a secret shared with every client) and
        # anything else than what the provider was registered with are refused.
        if header.get("alg") not in self.config.algorithms:
            raise OIDCError("algorithm", f"alg={header.get('alg')!r}")
        key = self._key_for(header)
        try:
            return jwt.decode(token, key, algorithms=[header["alg"]]).claims
        except BadSignatureError as exc:
            raise OIDCError("signature", str(exc)) from exc
        except (JoseError, ValueError) as exc:
            raise OIDCError("claims", str(exc)) from exc

    def _check_issuer_and_audience(self, claims: dict):
        if claims.get("iss") != self.config.issuer:
            raise OIDCError("issuer", f"iss={claims.get('iss')!r}")
        audience = claims.get("aud")
        audiences = [audience] if isinstance(audience, str) else audience
        if not isinstance(audiences, list) or self.config.client_id not in audiences:
            raise OIDCError("audience", f"aud={audience!r}")
        # OpenID Connect Core §3.1.3.7: several audiences need azp to name us.
        if len(audiences) > 1 and claims.get("azp") != self.config.client_id:
            raise OIDCError("audience", f"azp={claims.get('azp')!r}")

    def _check_id_token(self, claims: dict, nonce: str):
        self._check_issuer_and_audience(claims)
        now = time.time()
        exp, iat = claims.get("exp"), claims.get("iat")
        if not isinstance(exp, int | float) or not isinstance(iat, int | float):
            raise OIDCError("claims", "exp or iat missing")
        if exp < now - LEEWAY_S:
            raise OIDCError("expired", f"exp={exp} now={int(now)}")
        if iat > now + LEEWAY_S:
            raise OIDCError("claims", f"iat in the future: {iat}")
        if not hmac.compare_digest(str(claims.get("nonce", "")), nonce):
            raise OIDCError("nonce", "nonce differs from the one sent")
        if not claims.get("sub"):
            raise OIDCError("claims", "sub missing")
        acr_values = self.config.acr_values.split()
        if acr_values and claims.get("acr") not in acr_values:
            raise OIDCError("acr", f"acr={claims.get('acr')!r}")

    # The flow.

    def authorization_request(self) -> AuthorizationRequest:
        state = secrets.token_urlsafe(RANDOM_BYTES)
        nonce = secrets.token_urlsafe(RANDOM_BYTES)
        code_verifier = secrets.token_urlsafe(64)
        extra = {"nonce": nonce}
        if self.config.acr_values:
            extra["acr_values"] = self.config.acr_values
        session = self._oauth_session()
        url, _ = session.create_authorization_url(
            self.metadata()["authorization_endpoint"],
            state=state,
            code_verifier=code_verifier,
            **extra,
        )
        return AuthorizationRequest(url, state, nonce, code_verifier)

    def _oauth_session(self) -> OAuth2Session:
        return OAuth2Session(
            client_id=self.config.client_id,
            client_secret=self.config.client_secret,
            token_endpoint_auth_method="client_secret_post",  # noqa: S106 (a method name)
            scope=self.config.scopes,
            redirect_uri=self.redirect_uri,
            code_challenge_method="S256",
            default_timeout=self.timeout,
        )

    def complete(self, params: dict, pending: dict) -> VerifiedIdentity:
        """Checks the callback's parameters, exchanges the code, verifies both tokens.

        `pending` is what authorization_request() returned, found by the callback's `state`
        (the view removes it from the session first: a state serves once)."""
        if params.get("error"):
            raise OIDCError(
                "provider_error",
                params.get("error_description", ""),
                provider_error=params["error"][:50],
            )
        # RFC 9207: when the provider names itself in the response, it must be our issuer.
        if "iss" in params and params["iss"] != self.config.issuer:
            raise OIDCError("issuer", f"authorization response iss={params['iss']!r}")
        if not params.get("code"):
            raise OIDCError("claims", "no code in the callback")
        metadata = self.metadata()
        session = self._oauth_session()
        try:
            token = session.fetch_token(
                metadata["token_endpoint"],
                grant_type="authorization_code",
                code=params["code"],
                code_verifier=pending["code_verifier"],
            )
        except AuthlibBaseError as exc:
            raise OIDCError("provider_error", str(exc), provider_error=exc.error or "") from exc
        except (requests.RequestException, ValueError) as exc:
            raise OIDCError("unavailable", f"token endpoint: {exc}") from exc
        if "id_token" not in token or "access_token" not in token:
            raise OIDCError("claims", "token response without id_token or access_token")
        id_claims = self._verify_jwt(token["id_token"])
        self._check_id_token(id_claims, pending["nonce"])
        userinfo = self._userinfo(metadata["userinfo_endpoint"], token["access_token"])
        if userinfo.get("sub") != id_claims["sub"]:
            raise OIDCError("subject", "userinfo sub differs from the ID token's")
        claims = {k: v for k, v in userinfo.items() if k not in {"iss", "aud", "iat", "exp"}}
        return VerifiedIdentity(
            provider=self.config.name,
            sub=id_claims["sub"],
            claims=claims,
            id_token=token["id_token"],
            acr=id_claims.get("acr", ""),
            amr=id_claims.get("amr", []),
        )

    def _userinfo(self, url: str, access_token: str) -> dict:
        response = self._get(url, headers={"Authorization": f"Bearer {access_token}"})
        if response.headers.get("Content-Type", "").split(";")[0].strip() != "application/jwt":
            # FranceConnect v2 and ProConnect sign userinfo: an unsigned answer is refused.
            raise OIDCError("userinfo", "userinfo is not a signed JWT")
        claims = self._verify_jwt(response.text.strip())
        self._check_issuer_and_audience(claims)
        return claims

    def end_session_url(self, id_token: str, state: str) -> str | None:
        """The provider's logout, which also ends its own session (reference §6.1)."""
        endpoint = self.metadata().get("end_session_endpoint")
        if not endpoint or not self.post_logout_redirect_uri:
            return None
        query = {
            "id_token_hint": id_token,
            "state": state,
            "post_logout_redirect_uri": self.post_logout_redirect_uri,
        }
        return f"{endpoint}?{urlencode(query)}"
