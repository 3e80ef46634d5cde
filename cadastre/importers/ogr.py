"""Small helpers over GDAL/OGR layers (django.contrib.gis.gdal) shared by the importers."""

from __future__ import annotations

from django.contrib.gis.gdal import CoordTransform, SpatialReference
from django.contrib.gis.gdal.layer import Layer

from cadastre.models import LAMBERT_93


class UnknownCRSError(ValueError):
    pass


def layer_srid(layer: Layer) -> int:
    """The EPSG code of a layer. GDAL names Lambert-93 without its code in EDIGEO sheets and
    in the .prj of GPU deliveries (`RGF93 Lambert 93`): recognised by name."""
    srs = layer.srs
    if srs is None:
        raise UnknownCRSError(f"layer {layer.name} has no coordinate system")
    if srs.srid:
        return srs.srid
    if "lambert 93" in (srs.name or "").lower() or "lambert-93" in (srs.name or "").lower():
        return LAMBERT_93
    srs.identify_epsg()
    if not srs.srid:
        raise UnknownCRSError(f"layer {layer.name}: unknown coordinate system {srs.name!r}")
    return srs.srid


def to_lambert93(layer: Layer) -> CoordTransform | None:
    """One transformation per layer (building one is costly: never one per geometry), None when
    the layer is already in Lambert-93."""
    srid = layer_srid(layer)
    if srid == LAMBERT_93:
        return None
    return CoordTransform(SpatialReference(srid), SpatialReference(LAMBERT_93))
