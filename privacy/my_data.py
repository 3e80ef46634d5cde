""" "My data": everything held about a person, as JSON with their files in one zip (GDPR
art. 15 and 20), and the closing of their account (art. 17, within the limits of art. 17-3-b:
filed dossiers are public records and stay, detached from the login)."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from functools import partial
from typing import Any

from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone

from accounts.models import FederatedIdentity, LoginFailure
from permits.decisions.storage import open_signed
from permits.models import Dossier
from permits.models.documents import DocumentStatus
from privacy.retention import delete_draft
from workflow.states import State

ACCOUNT_FIELDS = ["username", "first_name", "last_name", "email", "email_verified_at"]
DOSSIER_EXCLUDE = ["id", "depositor", "parent", "commune", "assignee"]


def _row(instance, exclude=()) -> dict:
    return model_to_dict(instance, exclude=["dossier", *exclude])


Opener = Callable[[], File]  # opens one file of the zip when it is written


def collect(user) -> tuple[dict[str, Any], list[tuple[str, Opener]]]:
    """(data, files): the person's account, identities, roles and dossiers, and the files to
    join as (name in the zip, opener). Only what is tied to `user`."""
    data: dict[str, Any] = {
        "exported_at": timezone.now(),
        "account": {
            **{name: getattr(user, name) for name in ACCOUNT_FIELDS},
            "date_joined": user.date_joined,
            "last_login": user.last_login,
        },
        "identities": [
            {
                "provider": identity.provider,
                "sub": identity.sub,
                "acr": identity.acr,
                "claims": identity.claims,
                "claims_received_at": identity.claims_received_at,
            }
            for identity in FederatedIdentity.objects.filter(user=user)
        ],
        "memberships": [
            {"role": m.role, "commune": str(m.commune or ""), "service": str(m.service or "")}
            for m in user.memberships.select_related("commune", "service")
        ],
        "dossiers": [],
    }
    files: list[tuple[str, Opener]] = []
    dossiers = (
        Dossier.objects.filter(depositor=user)
        .select_related("commune", "parent")
        .prefetch_related("applicants", "parcels", "pieces", "messages")
        .order_by("pk")
    )
    for dossier in dossiers:
        folder = f"dossiers/{dossier.number or f'brouillon-{dossier.pk}'}"
        entry: dict[str, Any] = {
            "id": dossier.pk,
            "commune": f"{dossier.commune.insee_code} {dossier.commune.name}",
            "parent": dossier.parent.number if dossier.parent_id else None,
            "created_at": dossier.created_at,
            "updated_at": dossier.updated_at,
            **_row(dossier, DOSSIER_EXCLUDE),
            "applicants": [_row(a, ["id"]) for a in dossier.applicants.all()],
            "parcels": [{"idu": p.idu, "area_m2": p.area_m2} for p in dossier.parcels.all()],
            "messages": [
                {"from_applicant": m.from_applicant, "body": m.body, "sent_at": m.sent_at}
                for m in dossier.messages.all()
            ],
            "pieces": [],
            "documents": [],
        }
        for piece in dossier.pieces.all():
            name = f"{folder}/pieces/{piece.code}-v{piece.version}.{piece.extension}"
            entry["pieces"].append(
                {
                    "code": piece.code,
                    "version": piece.version,
                    "original_name": piece.original_name,
                    "uploaded_at": piece.uploaded_at,
                    "sha256": piece.sha256,
                    "file": name,
                }
            )
            files.append((name, piece.file.open))
        signed = dossier.issued_documents.filter(status=DocumentStatus.SIGNED)
        for document in signed:
            name = f"{folder}/documents/{document.kind}-{document.pk}.pdf"
            entry["documents"].append(
                {"kind": document.kind, "signed_at": document.signed_at, "file": name}
            )
            files.append((name, partial(open_signed, document)))
        data["dossiers"].append(entry)
    return data, files


def export_zip(user) -> bytes:
    """The person's data as one zip (GDPR art. 20): mes-donnees.json and their files; a lost file is
    said in the zip."""
    data, files = collect(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "mes-donnees.json",
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        )
        for name, opener in files:
            try:
                with opener() as source:
                    archive.writestr(name, source.read())
            except OSError:  # a missing file is said, not hidden
                archive.writestr(f"{name}.absent.txt", "Fichier introuvable dans le stockage.")
    return buffer.getvalue()


class CannotClose(Exception):
    """A French message: why this account cannot be closed here."""


@transaction.atomic
def close_account(user) -> dict:
    """Deletes the drafts, detaches the filed dossiers (kept: public records) and empties
    the account, which stays as a tombstone because the dossiers' history names it."""
    if user.memberships.exists():
        raise CannotClose(
            "Un compte d'agent se clôt par l'administrateur de votre service ou de votre commune."
        )
    drafts = list(Dossier.objects.filter(depositor=user, state=State.DRAFT))
    deleted = sum(delete_draft(draft) for draft in drafts)
    detached = (
        Dossier.objects.filter(depositor=user).exclude(state=State.DRAFT).update(depositor=None)
    )
    FederatedIdentity.objects.filter(user=user).delete()
    LoginFailure.objects.filter(key__endswith=f":{user.username}").delete()
    if hasattr(user, "totp_device"):
        user.totp_device.delete()
    user.username = f"compte-clos-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.email_verified_at = None
    user.is_active = False
    user.set_unusable_password()
    user.save()
    return {"drafts_deleted": deleted, "dossiers_detached": detached}
