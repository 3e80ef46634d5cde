"""The commune's planning document shown to the applicant (cadastre.planning, shown by
privacy.site_facts): read once every few minutes per commune, not at every page."""

import datetime

import pytest
from django.contrib.gis.geos import MultiPolygon, Polygon
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cadastre.models import Zone
from cadastre.planning import planning_document

pytestmark = pytest.mark.django_db


def test_the_planning_document_is_read_once_then_follows_an_import_after_the_cache():
    assert planning_document("91216")["kind"] == "RNU"  # nothing imported: L111-1
    square = Polygon.from_bbox((650000, 6840000, 650100, 6840100))
    Zone.objects.create(
        idurba="91216_PLU_20171013",
        document_code="91216",
        typedoc="PLU",
        approved_on=datetime.date(2017, 10, 13),
        libelle="UH",
        typezone="U",
        insee="91216",
        geom=MultiPolygon(square, srid=2154),
    )
    with CaptureQueriesContext(connection) as queries:
        assert planning_document("91216")["kind"] == "RNU"  # the figure read a moment ago
    assert len(queries) == 0
    cache.clear()  # as when PLANNING_CACHE_SECONDS have passed
    found = planning_document("91216")
    assert found["kind"] == "PLU" and "approuvé le 13/10/2017" in found["label"]


def test_the_cadastre_source_names_its_millesime(cadastre_91216):
    from django.db.models import Max

    from cadastre.models import Parcel
    from privacy.site_facts import cadastre_source

    cache.clear()
    Parcel.objects.filter(commune="91216").update(millesime=datetime.date(2022, 1, 1))
    label = cadastre_source("91216")
    imported = Parcel.objects.filter(commune="91216").aggregate(at=Max("updated_at"))["at"]
    assert (
        label
        == f"plan cadastral de la DGFiP, millésime du 01/01/2022, importé le {imported:%d/%m/%Y}"
    )
    assert cadastre_source("99999") == "aucun cadastre importé pour la commune"


def test_the_page_the_journey_and_the_act_read_the_same_document():
    """One fact, one source: an intercommunal plan named only by its idurba, drawn for the demo,
    is a PLUi for the applicant's page and the journey and for the act, both flagged as
    illustrative (cadastre.planning.document_in_force)."""
    from permits.decisions.facts import planning_of

    square = Polygon.from_bbox((650000, 6840000, 650100, 6840100))
    Zone.objects.create(
        idurba="249100553_PLUi_20200130",
        document_code="249100553",
        typedoc="",
        approved_on=datetime.date(2020, 1, 30),
        libelle="UA",
        typezone="U",
        insee="91216",
        illustrative=True,
        geom=MultiPolygon(square, srid=2154),
    )
    cache.clear()
    page = planning_document("91216")
    act = planning_of("91216", {})  # no zone crossed: the commune's document
    assert page["kind"] == "PLUI" and "PLUi" in page["label"] and "illustratif" in page["label"]
    assert act.kind == "PLUi" and act.approved == datetime.date(2020, 1, 30)
    assert act.changes == ("zonage illustratif de démonstration",)
