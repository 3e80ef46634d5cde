"""JSON endpoints: the parcel check and the map's GeoJSON features.

Any signed-in person may call them (the applicant designates parcels, the officer checks them):
cadastral, zoning and servitude data are public open data; the check reveals nothing of a
dossier. Errors carry an English machine `error` and a French `message`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from cadastre import geocoder
from cadastre.check import MAX_REFERENCES, check_parcels
from cadastre.idu import INSEE_RE
from core.ratelimit import rate_limited

# The map asks for what its window shows; beyond these caps it zooms in.
MAX_FEATURES = {"parcels": 2000, "zones": 300, "servitudes": 300}
MAX_BBOX_DEGREES = 0.5  # about 40 km × 55 km: wider windows are refused


View = TypeVar("View", bound=Callable[..., HttpResponse])


def _error(status: int, error: str, message: str) -> JsonResponse:
    return JsonResponse({"error": error, "message": message}, status=status)


def login_required_json(view: View) -> View:
    """The JSON endpoints answer 401 in JSON, where login_required would redirect to a page."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return _error(401, "authentication_required", "Connectez-vous pour continuer.")
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return cast(View, wrapper)  # the same signature (functools.wraps)


@require_http_methods(["GET", "POST"])
@login_required_json
@rate_limited("parcel_check", json=True)
def parcel_check(request: HttpRequest) -> JsonResponse:
    """GET ?commune=91216&ref=AB37&ref=AB38, or POST JSON
    {"commune": "91216", "refs": ["AB37"], "site": <GeoJSON geometry, WGS84>}."""
    if request.method == "POST":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            return _error(400, "invalid_json", "Le corps de la requête n'est pas du JSON valide.")
        if not isinstance(body, dict):
            return _error(400, "invalid_json", "Le corps de la requête doit être un objet JSON.")
        commune, refs, site = body.get("commune"), body.get("refs"), body.get("site")
    else:
        commune, refs, site = request.GET.get("commune"), request.GET.getlist("ref"), None
    if not isinstance(commune, str) or not INSEE_RE.match(commune):
        return _error(
            400,
            "invalid_commune",
            "Indiquez le code INSEE de la commune (5 caractères, ex. 91216).",
        )
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        return _error(400, "missing_refs", "Indiquez au moins une parcelle (ex. AB 37).")
    if len(refs) > MAX_REFERENCES:
        return _error(
            400, "too_many_refs", f"Une demande peut désigner au plus {MAX_REFERENCES} parcelles."
        )
    try:
        result = check_parcels(refs, commune, site)
    except ValueError:  # the drawn site boundary
        return _error(
            400, "invalid_site", "Le périmètre dessiné doit être un polygone GeoJSON (WGS84)."
        )
    return JsonResponse(result.as_dict())


_LAYERS_SQL = {
    "parcels": """
        SELECT json_build_object(
            'type', 'Feature', 'id', idu,
            'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
            'properties', json_build_object(
                'layer', 'parcel', 'idu', idu, 'section', section, 'numero', numero,
                'contenance_m2', contenance_m2))::text
        FROM cadastre_parcel
        WHERE geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 2154)
          AND retired_at IS NULL
        LIMIT %s""",
    "zones": """
        SELECT json_build_object(
            'type', 'Feature', 'id', 'zone-' || id,
            'geometry', ST_AsGeoJSON(ST_Transform(geom, 4326), 7)::json,
            'properties', json_build_object(
                'layer', 'zone', 'libelle', libelle, 'libelong', libelong,
                'typezone', typezone, 'idurba', idurba, 'illustrative', illustrative))::text
        FROM cadastre_zone
        WHERE is_current AND geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 2154)
        LIMIT %s""",
    "servitudes": """
        SELECT json_build_object(
            'type', 'Feature', 'id', 'assiette-' || a.id,
            'geometry', ST_AsGeoJSON(ST_Transform(a.geom, 4326), 7)::json,
            'properties', json_build_object(
                'layer', 'servitude', 'category', a.category, 'name', s.name,
                'kind', a.kind, 'mode', a.mode, 'illustrative', s.illustrative))::text
        FROM cadastre_servitudeassiette a JOIN cadastre_servitude s ON s.id = a.servitude_id
        WHERE a.geom && ST_Transform(ST_MakeEnvelope(%s, %s, %s, %s, 4326), 2154)
        LIMIT %s""",
}


def _bbox(text: str | None) -> tuple[float, float, float, float] | None:
    try:
        west, south, east, north = (float(v) for v in (text or "").split(","))
    except ValueError:
        return None
    if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
        return None
    return west, south, east, north


@require_http_methods(["GET"])
@login_required_json
def map_features(request: HttpRequest) -> HttpResponse:
    """GET ?bbox=west,south,east,north (WGS84)&layers=parcels,zones,servitudes."""
    bbox = _bbox(request.GET.get("bbox"))
    if bbox is None:
        return _error(
            400,
            "invalid_bbox",
            "Indiquez l'emprise de la carte : ouest,sud,est,nord en degrés (WGS84).",
        )
    if bbox[2] - bbox[0] > MAX_BBOX_DEGREES or bbox[3] - bbox[1] > MAX_BBOX_DEGREES:
        return _error(400, "bbox_too_large", "Zoomez davantage pour afficher le cadastre.")
    layers = [v for v in request.GET.get("layers", ",".join(_LAYERS_SQL)).split(",") if v]
    if not layers or any(layer not in _LAYERS_SQL for layer in layers):
        return _error(400, "invalid_layers", "Couches possibles : parcels, zones, servitudes.")
    features: list[str] = []
    truncated: list[str] = []
    with connection.cursor() as cursor:
        for layer in dict.fromkeys(layers):
            cap = MAX_FEATURES[layer]
            cursor.execute(_LAYERS_SQL[layer], [*bbox, cap + 1])
            rows = [row[0] for row in cursor.fetchall()]
            if len(rows) > cap:
                truncated.append(layer)
                rows = rows[:cap]
            features += rows
    # Features are serialised by PostGIS; only the envelope is assembled here.
    body = (
        '{"type":"FeatureCollection","features":['
        + ",".join(features)
        + '],"truncated":'
        + json.dumps(truncated)
        + "}"
    )
    return HttpResponse(body, content_type="application/geo+json")


@require_http_methods(["GET"])
@login_required_json
@rate_limited("parcel_check", json=True)
def address_search(request: HttpRequest) -> JsonResponse:
    """The map's address search (cadastre.geocoder): ?q=…&commune=INSEE."""
    commune = request.GET.get("commune", "")
    if not INSEE_RE.match(commune):
        return _error(400, "invalid_commune", "Code INSEE de la commune invalide.")
    try:
        results = geocoder.search(request.GET.get("q", "")[:200], commune)
    except geocoder.GeocoderUnavailable:
        return _error(
            503,
            "geocoder_unavailable",
            "La recherche d'adresse est momentanément indisponible : indiquez les "
            "références cadastrales ou déplacez la carte.",
        )
    return JsonResponse({"results": results})
