"""A scriptable OpenID provider on 127.0.0.1 for the forged-token tests.

The node provider (devservices/franceconnect) only issues correct tokens; this one answers the
client's real HTTP requests (discovery, JWKS, token, userinfo) with whatever a test asks: a wrong
issuer, another signing key, `alg: none`… It checks what a provider checks of the client: the
client secret sent in the body, and the PKCE verifier against the challenge.
"""

import base64
import hashlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import ECKey, OctKey, RSAKey

CLIENT_ID = "permis-test"
CLIENT_SECRET = "test-client-secret-0123456789abcdef"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(header: dict, claims: dict) -> str:
    """A token with `alg: none` and no signature (joserfc refuses to make one)."""
    return f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}."


class Peer:
    def __init__(self):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.ec_key = ECKey.generate_key("P-256", parameters={"kid": "ec-1", "use": "sig"})
        self.rsa_key = RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "use": "sig"})
        self.reset()

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()

    def reset(self):
        self.published = [self.ec_key, self.rsa_key]
        self.jwks_requests = 0
        self.nonce = ""
        self.code_challenge = ""
        self.sub = "a" * 64 + "v1"
        # Each is a function (peer) -> str giving the token to send; set by the tests.
        self.make_id_token = lambda peer: peer.sign(peer.id_token_claims())
        self.make_userinfo = lambda peer: peer.sign(peer.userinfo_claims())
        self.userinfo_content_type = "application/jwt"
        self.claims = {
            "given_name": "Angela Claire Louise",
            "family_name": "DUBOIS",
            "birthdate": "1962-08-24",
            "gender": "female",
            "birthplace": "75107",
            "birthcountry": "99100",
            "email": "wossewodda-3728@yopmail.com",
        }

    def id_token_claims(self, **overrides) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": self.sub,
            "iat": now,
            "exp": now + 60,
            "nonce": self.nonce,
            "acr": "eidas1",
            "amr": ["pwd"],
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def userinfo_claims(self, **overrides) -> dict:
        claims = {"iss": self.issuer, "aud": CLIENT_ID, "sub": self.sub, **self.claims}
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(self, claims: dict, key=None, alg: str = "ES256", kid: str | None = "") -> str:
        key = key or (self.ec_key if alg == "ES256" else self.rsa_key)
        header = {"alg": alg, "typ": "JWT"}
        kid = key.kid if kid == "" and not isinstance(key, OctKey) else kid
        if kid:
            header["kid"] = kid
        return jwt.encode(header, claims, key, algorithms=[alg])

    def jwks(self) -> dict:
        return {"keys": [key.as_dict(private=False) for key in self.published]}

    def _handler(peer):  # the handler class closes over the peer
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _send(self, status, body, content_type="application/json"):
                data = body if isinstance(body, bytes) else body.encode()
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    return self._send(200, json.dumps(peer.discovery()))
                if self.path == "/jwks":
                    peer.jwks_requests += 1
                    return self._send(200, json.dumps(peer.jwks()))
                if self.path == "/userinfo":
                    if self.headers.get("Authorization") != "Bearer access-token":
                        return self._send(401, "{}")
                    return self._send(200, peer.make_userinfo(peer), peer.userinfo_content_type)
                return self._send(404, "{}")

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if self.path != "/token":
                    return self._send(404, "{}")
                if form.get("client_id") != CLIENT_ID or form.get("client_secret") != (
                    CLIENT_SECRET
                ):
                    return self._send(401, json.dumps({"error": "invalid_client"}))
                challenge = b64(hashlib.sha256(form.get("code_verifier", "").encode()).digest())
                if challenge != peer.code_challenge or form.get("code") != "the-code":
                    return self._send(400, json.dumps({"error": "invalid_grant"}))
                body = {
                    "access_token": "access-token",
                    "token_type": "Bearer",
                    "expires_in": 60,
                    "id_token": peer.make_id_token(peer),
                }
                return self._send(200, json.dumps(body))

        return Handler

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "jwks_uri": f"{self.issuer}/jwks",
            "end_session_endpoint": f"{self.issuer}/session/end",
            "id_token_signing_alg_values_supported": ["ES256", "RS256"],
        }
