"""How a commune exchanges with the State's services: a `Channel`. Without PLAT'AU the
consulted services answer in the local workspace (permits/views/consulted.py); with a
PlatauAccount the dossier, its pieces, the consultations and the act go through the hub, and
prises en compte, opinions and the préfecture's acknowledgement come back from it.

Every message is a PlatauExchange row, kept with its body and answer and shown on the
instruction page; an outgoing one that failed after the client's retries is sent again by the
officer ("Renvoyer"). A message's key makes it idempotent (docs/platau.md).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import TYPE_CHECKING, Protocol

from django.db import IntegrityError, transaction
from django.utils import timezone

from permits.decisions.storage import read_signed
from permits.models import Dossier, Piece, PlatauAccount, PlatauExchange, PlatauLink
from permits.models.documents import DocumentKind, DocumentStatus, IssuedDocument
from permits.models.platau import ExchangeStatus
from permits.pieces.store import current_pieces
from permits.pieces.validation import SIGNATURES
from permits.platau import messages
from permits.platau.errors import PlatauUnavailable
from workflow.consultations import AttachedFile, answer_consultation
from workflow.errors import TransitionRefused
from workflow.events import record_event
from workflow.models import Consultation
from workflow.transitions import fire

if TYPE_CHECKING:
    from permits.platau.client import PlatauClient

log = logging.getLogger(__name__)

# nomTypeEvenement of the notifications read (codes of the local service, docs/platau.md).
PEC, OPINION, ACKNOWLEDGEMENT = 20, 30, 40


class Channel(Protocol):
    """How a commune's consultations and acts leave: through PLAT'AU or the site itself."""

    def consultation_sent(self, consultation: Consultation) -> bool:
        """Sends a consultation; False if the hub refused it."""

    def decision_signed(self, dossier: Dossier) -> PlatauExchange | None:
        """Transmits a signed decision; the exchange recorded, None when nothing is sent."""


class LocalWorkspace:
    """No hub: the consulted service's members answer in their space; the act goes to the
    préfecture by the ACTES export."""

    def consultation_sent(self, consultation):
        """Nothing to send: the consulted service answers in its own space of the site."""
        return True

    def decision_signed(self, dossier):
        """Nothing to send: the act reaches the préfecture by the ACTES export."""
        return None


def channel_for(commune) -> Channel:
    """PLAT'AU for a commune with an account, the local workspace otherwise."""
    account = PlatauAccount.objects.filter(commune=commune).first()
    return Platau(account) if account is not None else LocalWorkspace()


def link_of(kind: str, local_id: int) -> str | None:
    """PLAT'AU's id of a local object, None until the hub acknowledged it."""
    return (
        PlatauLink.objects.filter(kind=kind, local_id=local_id)
        .values_list("platau_id", flat=True)
        .first()
    )


def _link(kind: str, local_id: int, platau_id: str) -> None:
    PlatauLink.objects.get_or_create(
        kind=kind, local_id=local_id, defaults={"platau_id": platau_id}
    )


class Refused(Exception):
    """The hub answered, and said no (4xx): French message for the officer."""


class Platau:
    def __init__(self, account: PlatauAccount, client: PlatauClient | None = None):
        self.account = account
        if client is None:
            # deferred: the client imports requests, needed only when a dossier talks to the hub
            from permits.platau.client import PlatauClient

            client = PlatauClient(account.actor_id)
        self.client = client

    # --- outgoing ---------------------------------------------------------------------------

    def consultation_sent(self, consultation) -> bool:
        """True when the hub has the dossier, its pieces and the consultation."""
        dossier = consultation.dossier
        deposited = self.deposit(dossier)
        key = f"consultation:{consultation.pk}"
        sent = self._outgoing(dossier, "consultation", key, consultation.pk)
        return deposited and sent.status == ExchangeStatus.SENT

    def deposit(self, dossier) -> bool:
        """The dossier, then each piece's current version (each its own idempotent message)."""
        sent = [self._outgoing(dossier, "deposit", f"dossier:{dossier.pk}", dossier.pk)]
        for found in current_pieces(dossier).values():
            sent.append(self._outgoing(dossier, "piece", f"piece:{found.pk}", found.pk))
        return all(x.status == ExchangeStatus.SENT for x in sent)

    def decision_signed(self, dossier):
        """Transmission of the signed act to legality control through the hub (@CTES)."""
        decision = dossier.issued_documents.filter(
            kind=DocumentKind.DECISION, status=DocumentStatus.SIGNED
        ).first()
        if decision is None:
            raise TransitionRefused("Aucune décision signée à transmettre.")
        self.deposit(dossier)
        return self._outgoing(dossier, "act", f"act:{decision.pk}", decision.pk)

    def _outgoing(self, dossier, message: str, key: str, subject: int) -> PlatauExchange:
        exchange, _ = PlatauExchange.objects.get_or_create(
            key=key,
            defaults={
                "dossier": dossier,
                "commune_id": dossier.commune_id,
                "outgoing": True,
                "message": message,
                "status": ExchangeStatus.PENDING,
                "request": {"subject": subject},
            },
        )
        if exchange.status == ExchangeStatus.SENT:
            return exchange  # idempotent: never sent twice
        return self.deliver(exchange)

    def deliver(self, exchange: PlatauExchange) -> PlatauExchange:
        """Sends (or sends again) one outgoing message; its body is built now, so that a
        message that waited for the dossier's deposit carries the hub's id."""
        send = getattr(self, f"_send_{exchange.message}")
        exchange.attempts += 1
        try:
            send(exchange, exchange.request["subject"])
        except (PlatauUnavailable, Refused) as error:
            exchange.status, exchange.error = ExchangeStatus.FAILED, str(error)
            if isinstance(error, PlatauUnavailable):
                exchange.http_status = error.status
            log.warning(
                "platau message failed", extra={"key": exchange.key, "status": exchange.http_status}
            )
        else:
            exchange.status, exchange.error = ExchangeStatus.SENT, ""
        exchange.save()
        return exchange

    def _post(self, exchange, path: str, body: dict, ok=(200, 201)) -> dict:
        exchange.method, exchange.path = "POST", path
        exchange.request = {"subject": exchange.request["subject"], "body": body}
        answer = self.client.call("POST", path, json=body)
        exchange.http_status, exchange.response = answer.status, answer.body
        if answer.status not in ok:
            raise Refused(
                f"PLAT'AU a refusé le message (HTTP {answer.status}) : {_hub_message(answer.body)}"
            )
        return answer.body

    def _upload(self, content: bytes) -> str:
        answer = self.client.call("POST", "fichiers", data=content)
        if answer.status not in (200, 201):
            raise Refused(f"PLAT'AU a refusé le fichier (HTTP {answer.status}).")
        return answer.body["fileId"]

    def _dossier_id(self, dossier_pk: int) -> str:
        found = link_of("dossier", dossier_pk)
        if found is None:
            raise Refused(
                "Le dossier n'est pas encore déposé sur PLAT'AU : renvoyez d'abord le dépôt."
            )
        return found

    def _send_deposit(self, exchange, dossier_pk):
        dossier = Dossier.objects.select_related("commune", "parent").get(pk=dossier_pk)
        try:
            body = self._post(
                exchange, "dossiers", messages.deposit(dossier, self.account.actor_id)
            )
        except Refused:
            known = _known_dossier(exchange.response) if exchange.http_status == 409 else None
            if known is None:
                raise
            body = {"dossiers": [{"idDossier": known}]}  # deposited before: same dossier
        _link("dossier", dossier_pk, body["dossiers"][0]["idDossier"])

    def _send_piece(self, exchange, piece_pk):
        found = Piece.objects.get(pk=piece_pk)
        id_dossier = self._dossier_id(found.dossier_id)
        with found.file.open("rb") as handle:
            content = handle.read()
        doc = messages.document(
            self._upload(content),
            content,
            messages.DOCUMENT_PIECE,
            self.account.actor_id,
            found.uploaded_at.date(),
        )
        body = self._post(exchange, f"dossiers/{id_dossier}/pieces", messages.piece(found, doc))
        _link("piece", piece_pk, body["pieces"][0]["idPiece"])

    def _send_consultation(self, exchange, consultation_pk):
        consultation = Consultation.objects.select_related("dossier", "service").get(
            pk=consultation_pk
        )
        id_dossier = self._dossier_id(consultation.dossier_id)
        id_service = self._service_actor(consultation)
        body = self._post(
            exchange, "consultations", messages.consultation(consultation, id_dossier, id_service)
        )
        _link("consultation", consultation_pk, body["consultations"][0]["idConsultation"])

    def _service_actor(self, consultation) -> str:
        """The consulted service's actor in the hub, found once by its name (acteurs/recherche)."""
        if consultation.service_id is not None:
            known = link_of("service", consultation.service_id)
            if known:
                return known
        found = next(
            self.client.pages(
                "POST", "acteurs/recherche", json={"designationActeur": consultation.service_name}
            ),
            None,
        )
        if found is None:
            raise Refused(
                f"« {consultation.service_name} » n'est pas un acteur connu de "
                "PLAT'AU : vérifiez son nom ou son enrôlement."
            )
        if consultation.service_id is not None:
            _link("service", consultation.service_id, found["idActeur"])
        return found["idActeur"]

    def _send_act(self, exchange, document_pk):
        decision = IssuedDocument.objects.get(pk=document_pk)
        id_dossier = self._dossier_id(decision.dossier_id)
        content = read_signed(decision)
        signed_on = timezone.localdate(decision.signed_at)
        doc = messages.document(
            self._upload(content), content, messages.DOCUMENT_ACT, self.account.actor_id, signed_on
        )
        body = self._post(
            exchange, "actes", messages.act(decision.dossier, id_dossier, signed_on, doc)
        )
        _link("act", document_pk, body["idActe"])

    # --- incoming ---------------------------------------------------------------------------

    def receive(self) -> list[PlatauExchange]:
        """Reads the notifications after the cursor and applies each once."""
        answer = self.client.call(
            "GET", "notifications", params={"offset": self.account.notification_cursor}
        )
        if answer.status != 200:
            raise PlatauUnavailable(
                f"Notifications PLAT'AU indisponibles (HTTP {answer.status}).", answer.status
            )
        handled = []
        for notification in answer.body["notifications"]:
            number = int(notification["idNotification"])
            exchange = self._incoming(notification)
            if exchange is not None:
                handled.append(exchange)
            if number > self.account.notification_cursor:
                self.account.notification_cursor = number
                self.account.save(update_fields=["notification_cursor"])
        return handled

    def _incoming(self, notification: dict) -> PlatauExchange | None:
        key = f"notification:{self.account.pk}:{notification['idNotification']}"
        if PlatauExchange.objects.filter(key=key).exists():
            return None  # already read: a notification is applied once
        exchange = PlatauExchange(
            commune_id=self.account.commune_id,
            outgoing=False,
            key=key,
            method="GET",
            path="notifications",
            request=notification,
            status=ExchangeStatus.PENDING,
            attempts=1,
        )
        kind = (notification.get("nomTypeEvenement") or {}).get("idNom")
        handler = {
            PEC: self._on_pec,
            OPINION: self._on_opinion,
            ACKNOWLEDGEMENT: self._on_acknowledgement,
        }.get(kind)
        try:
            if handler is None:
                exchange.message = "notification"
                exchange.status = ExchangeStatus.IGNORED
                exchange.error = "Type de notification non traité."
            else:
                handler(exchange, notification)
        except (Refused, TransitionRefused) as error:
            exchange.status, exchange.error = ExchangeStatus.REJECTED, str(error)
        # PlatauUnavailable goes up: the cursor stays before this notification, read again
        # at the next run.
        try:
            exchange.save()
        except IntegrityError:  # read at the same time by another worker: applied there
            return None
        return exchange

    def _consultation(self, exchange, notification) -> tuple[Consultation, dict]:
        id_consultation = notification.get("idConsultation", "")
        local = (
            PlatauLink.objects.filter(kind="consultation", platau_id=id_consultation)
            .values_list("local_id", flat=True)
            .first()
        )
        if local is None:
            raise Refused(
                f"Consultation PLAT'AU inconnue ({id_consultation}) : rien n'a été modifié."
            )
        consultation = Consultation.objects.select_related("dossier").get(pk=local)
        exchange.dossier = consultation.dossier
        found = next(
            self.client.pages(
                "POST",
                "consultations/recherche",
                json={"criteresSurConsultations": {"idConsultation": id_consultation}},
            ),
            None,
        )
        if found is None:
            raise Refused(f"PLAT'AU ne retrouve pas la consultation {id_consultation}.")
        remote = next(
            c for c in found["dossier"]["consultations"] if c["idConsultation"] == id_consultation
        )
        exchange.response = remote
        return consultation, remote

    def _on_pec(self, exchange, notification):
        exchange.message = "pec"
        consultation, remote = self._consultation(exchange, notification)
        pec = remote.get("pecMetier") or {}
        with transaction.atomic():
            record_event(
                consultation.dossier,
                "platau_pec",
                actor=None,
                payload={
                    "consultation": consultation.pk,
                    "service": consultation.service_name,
                    "dtPecMetier": pec.get("dtPecMetier"),
                    "dtLimiteReponse": pec.get("dtLimiteReponse"),
                    "nomStatutPecMetier": pec.get("nomStatutPecMetier"),
                },
            )
        exchange.status = ExchangeStatus.APPLIED

    def _on_opinion(self, exchange, notification):
        exchange.message = "opinion"
        consultation, remote = self._consultation(exchange, notification)
        avis = next(
            (a for a in remote.get("avis", []) if a["idAvis"] == notification.get("idAvis")), None
        )
        if avis is None:
            raise Refused("Avis introuvable sur PLAT'AU.")
        if avis["boEstTacite"]:
            # The tacit opinion is the clock's (workflow.timers, R423-59): it is not recorded
            # twice.
            exchange.status = ExchangeStatus.IGNORED
            exchange.error = "Avis tacite : constaté par l'échéancier à la date limite."
            return
        if consultation.answered_on is not None:
            raise Refused(
                "Un avis est déjà enregistré pour cette consultation : ce second avis "
                "n'est pas pris en compte."
            )
        nature = messages.NATURES.get(_code(avis["nomNatureAvisRendu"]))
        if nature is None:
            raise Refused("Nature d'avis inconnue.")
        documents = [self._document(d) for d in avis.get("documents", [])]
        text, prescriptions = messages.read_opinion_text(avis.get("txAvis", ""))
        if nature == "with_prescriptions" and not prescriptions:
            prescriptions = [text]
        answer_consultation(
            consultation,
            opinion=nature,
            text=text,
            prescriptions=prescriptions,
            documents=documents,
            on=date.fromisoformat(avis["dtAvis"]),
            actor=None,
        )
        exchange.status = ExchangeStatus.APPLIED

    def _document(self, remote: dict) -> AttachedFile:
        """Downloads a document and checks it against the SHA-512 the hub announced."""
        content = self.client.download(remote["url"], remote["token"])
        if remote.get("algoHash") != "SHA-512" or messages.sha512(content) != remote.get("hash"):
            raise Refused(
                f"Le document « {remote.get('nomDocument', remote['fileId'])} » ne "
                "correspond pas à son empreinte SHA-512 : l'avis n'est pas "
                "enregistré."
            )
        kind = next(
            (k for magic, k in SIGNATURES.items() if content.startswith(magic)),
            ("application/octet-stream", "bin"),
        )
        return AttachedFile(remote.get("nomDocument", remote["fileId"]), content, *kind)

    def _on_acknowledgement(self, exchange, notification):
        exchange.message = "acknowledgement"
        local = (
            PlatauLink.objects.filter(kind="act", platau_id=notification.get("idActe", ""))
            .values_list("local_id", flat=True)
            .first()
        )
        if local is None:
            raise Refused("Acte PLAT'AU inconnu : rien n'a été modifié.")

        dossier = IssuedDocument.objects.get(pk=local).dossier
        exchange.dossier = dossier
        # CGCT L2131-2: the acknowledgement's date is the transmission's legal date.
        fire(
            dossier,
            "record_prefet_ack",
            actor=None,
            on=date.fromisoformat(notification["dtAccuseReception"]),
        )
        exchange.status = ExchangeStatus.APPLIED


def _code(value) -> int | None:
    return value.get("idNom") if isinstance(value, dict) else value


def _hub_message(body) -> str:
    if isinstance(body, dict) and body.get("erreurs"):
        return "; ".join(str(e.get("message", "")) for e in body["erreurs"])
    return str(body)[:300]


def _known_dossier(body) -> str | None:
    if isinstance(body, dict):
        for error in body.get("erreurs", []):
            if error.get("idDossier"):
                return error["idDossier"]
    return None


def receive_all() -> int:
    """Every PLAT'AU commune's notifications (the periodic job, `manage.py platau_receive`)."""
    count = 0
    for account in PlatauAccount.objects.select_related("commune"):
        try:
            count += len(Platau(account).receive())
        except PlatauUnavailable:  # the next run reads from the same cursor
            log.exception("platau notifications not read", extra={"commune": account.commune_id})
    return count
