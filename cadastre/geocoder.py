"""The address search of the parcel map: the Base Adresse Nationale's /search/ endpoint
(settings.PERMIS_BAN_URL), called by the server, limited to the dossier's commune. The browser
talks only to our origin (the CSP allows nothing else)."""

from __future__ import annotations

import logging
from typing import Any

import requests
from django.conf import settings

logger = logging.getLogger(__name__)
MAX_RESULTS = 5


class GeocoderUnavailable(RuntimeError):
    """The BAN did not answer, or not in its format."""


def enabled() -> bool:
    """Off without PERMIS_BAN_URL (tests, offline installations): the map then offers no
    address search and nothing is sent out."""
    return bool(settings.PERMIS_BAN_URL)


def search(text: str, citycode: str) -> list[dict[str, Any]]:
    """[{"label", "lat", "lon"}] of the addresses matching `text` in the commune `citycode`."""
    text = text.strip()
    if not enabled() or len(text) < 3:  # the BAN refuses shorter queries
        return []
    params: dict[str, str | int] = {"q": text, "citycode": citycode, "limit": MAX_RESULTS}
    try:
        response = requests.get(
            settings.PERMIS_BAN_URL,
            params=params,
            timeout=settings.PERMIS_BAN_TIMEOUT_S,
        )
        response.raise_for_status()
        features = response.json()["features"]
    except (requests.RequestException, ValueError, KeyError, TypeError) as error:
        logger.warning("ban search failed", extra={"error": repr(error)})
        raise GeocoderUnavailable(str(error)) from error
    found: list[dict[str, Any]] = []
    for feature in features[:MAX_RESULTS]:
        geometry, properties = feature.get("geometry") or {}, feature.get("properties") or {}
        if geometry.get("type") == "Point" and properties.get("label"):
            lon, lat = geometry["coordinates"][:2]
            found.append({"label": properties["label"], "lat": lat, "lon": lon})
    return found
