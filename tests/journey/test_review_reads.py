"""The review page reads the draft's applicants, parcels and pieces once, for its checks and
its text together; filing from it records the consent given and prepares the receipt."""

import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from permits.models import Dossier
from permits.models.documents import DocumentKind, IssuedDocument
from tests.factories import make_team
from tests.journey.test_applicant_journey import fill, start
from workflow.states import State

pytestmark = pytest.mark.django_db


def tables_read(queries) -> Counter:
    return Counter(
        match.group(1)
        for query in queries
        if (match := re.match(r'SELECT .*? FROM "(\w+)"', query["sql"], re.DOTALL))
    )


def test_the_review_page_reads_each_part_of_the_draft_once(client, cadastre_91216):
    team = make_team()
    client.force_login(team.applicant)
    draft = start(client, "DP")
    fill(client, draft)
    url = f"/dossiers/{draft.pk}/brouillon/verifier/"
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Vérifiez votre demande" in page and "91216000AB0026" in page
    assert "Des étapes restent à compléter" not in page
    read = tables_read(queries.captured_queries)
    for table in ("permits_dossier", "permits_applicant", "permits_dossierparcel", "permits_piece"):
        assert read[table] == 1, (table, read)

    # Filing without consenting to electronic notification records the refusal; the receipt
    # is prepared in the same transaction.
    response = client.post(url, {"certify": "on", "electronic_notification_consent": "off"})
    assert response.status_code == 302 and response["Location"] == f"/dossiers/{draft.pk}/"
    filed = Dossier.objects.get(pk=draft.pk)
    assert filed.state == State.DEPOSITED and not filed.electronic_notification_consent
    assert IssuedDocument.objects.get(dossier=filed).kind == DocumentKind.RECEPISSE
