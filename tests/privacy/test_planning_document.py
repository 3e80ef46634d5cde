"""The commune's planning document shown to the applicant (privacy.site_facts): read once
every few minutes per commune, not at every page."""

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadastre.models import Zone
from privacy.site_facts import planning_document

pytestmark = pytest.mark.django_db


def test_the_planning_document_is_read_once_then_follows_an_import_after_the_cache():
    assert planning_document("91216")["kind"] == "RNU"  # nothing imported: L111-1
    square = Polygon.from_bbox((650000, 6840000, 650100, 6840100))
    Zone.objects.create(
        idurba="91216_PLU_20171013", document_code="91216", typedoc="PLU",
        approved_on=datetime.date(2017, 10, 13), libelle="UH", typezone="U", insee="91216",
        geom=MultiPolygon(square, srid=2154),
    )  # fmt: skip
    with CaptureQueriesContext(connection) as queries:
        assert planning_document("91216")["kind"] == "RNU"  # the figure read a moment ago
    assert len(queries) == 0
    cache.clear()  # as when PLANNING_CACHE_SECONDS have passed
    found = planning_document("91216")
    assert found["kind"] == "PLU" and "approuvé le 13/10/2017" in found["label"]
