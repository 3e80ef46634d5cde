"""The HTTP side of PLAT'AU v10, as the public clients call it (docs/platau.md): an OAuth2
client-credentials token from PISTE, kept until it expires and fetched again on a 401; the
`Id-Acteur-Appelant` header; retries with exponential backoff on 429 and 5xx (Retry-After
honoured); PLAT'AU's paging (`numeroPage` from 0, `nbElementsParPage`, `nombrePages`,
`resultats`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import requests
from django.conf import settings

from permits.platau.errors import PlatauUnavailable

__all__ = ["Answer", "PlatauClient", "PlatauUnavailable"]

log = logging.getLogger(__name__)
RETRIED = {429, 500, 502, 503, 504}
PAGE_SIZE = 100  # PLAT'AU fails on large pages (prevarisc-passerelle-platau issue 41)


@dataclass
class Answer:
    status: int
    body: object


class PlatauClient:
    def __init__(
        self,
        actor_id: str,
        *,
        config: dict | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.config = config or settings.PLATAU
        self.actor_id = actor_id
        self.sleep = sleep
        self.session = requests.Session()
        self._token: str | None = None
        self._token_until = 0.0

    @property
    def base(self) -> str:
        """The PLAT'AU API root, with one trailing slash for urljoin."""
        return self.config["URL"].rstrip("/") + "/"

    def token(self, renew: bool = False) -> str:
        """PISTE's OAuth token, kept until it expires; renew=True after a 401."""
        if renew or self._token is None or time.monotonic() >= self._token_until:
            try:
                response = self._ask_token()
            except requests.RequestException as error:
                raise PlatauUnavailable(
                    f"PISTE est injoignable ({type(error).__name__})."
                ) from error
            if response.status_code != 200:
                raise PlatauUnavailable(
                    f"PISTE a refusé le jeton d'accès (HTTP {response.status_code}) : vérifiez "
                    "l'identifiant et le secret du client PLAT'AU.",
                    response.status_code,
                )
            granted = response.json()
            self._token = granted["access_token"]
            # Renewed a minute early, so that a call never leaves with a token about to lapse.
            self._token_until = time.monotonic() + max(0, int(granted["expires_in"]) - 60)
        return self._token

    def _ask_token(self):
        return self.session.post(
            self.config["TOKEN_URL"],
            data={
                "grant_type": "client_credentials",
                "client_id": self.config["CLIENT_ID"],
                "client_secret": self.config["CLIENT_SECRET"],
                "scope": "openid",
            },
            timeout=30,
        )

    def call(
        self,
        method: str,
        path: str,
        *,
        json=None,
        params=None,
        data: bytes | None = None,
    ) -> Answer:
        """One call, retried on 429/5xx and network errors, the token renewed once on a 401."""
        retries = int(self.config["RETRIES"])
        renewed = False
        attempt = 0
        while True:
            headers = {
                "Authorization": f"Bearer {self.token()}",
                "Id-Acteur-Appelant": self.actor_id,
            }
            if data is not None:
                headers["Content-Type"] = "application/octet-stream"
            try:
                response = self.session.request(
                    method,
                    self.base + path.lstrip("/"),
                    json=json,
                    params=params,
                    data=data,
                    headers=headers,
                    timeout=30,
                )
            except requests.RequestException as error:
                status, body, wait = None, str(error), None
            else:
                status = response.status_code
                body = _body(response)
                if status == 401 and not renewed:
                    renewed = True
                    self.token(renew=True)
                    continue
                if status not in RETRIED:
                    return Answer(status, body)
                wait = response.headers.get("Retry-After")
            if attempt >= retries:
                raise PlatauUnavailable(
                    f"PLAT'AU n'a pas accepté l'envoi après {attempt + 1} tentatives "
                    f"({'HTTP ' + str(status) if status else 'réseau injoignable'}).",
                    status,
                    body,
                )
            delay = float(wait) if wait and wait.isdigit() else None
            delay = delay if delay is not None else self.config["BACKOFF_SECONDS"] * 2**attempt
            log.warning("platau retry", extra={"path": path, "status": status, "delay": delay})
            self.sleep(delay)
            attempt += 1

    def pages(self, method: str, path: str, *, json=None) -> Iterator[dict]:
        """Every result of a paged search."""
        number = 0
        while True:
            answer = self.call(
                method,
                path,
                json=json,
                params={"numeroPage": number, "nbElementsParPage": PAGE_SIZE},
            )
            if answer.status != 200:
                raise PlatauUnavailable(
                    f"Recherche PLAT'AU refusée (HTTP {answer.status}).", answer.status, answer.body
                )
            yield from answer.body["resultats"]
            number += 1
            if number >= answer.body["nombrePages"]:
                return

    def download(self, url: str, token: str) -> bytes:
        """A document served behind its own token (`url`, `token` of the document)."""
        response = self.session.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=60)
        if response.status_code != 200:
            raise PlatauUnavailable(
                f"Document PLAT'AU indisponible (HTTP {response.status_code}).",
                response.status_code,
            )
        return response.content


def _body(response):
    try:
        return response.json()
    except ValueError:
        return response.text[:2000]
