"""The mairie's counter (issue 23): registering a dossier received on paper, by post or by
e-mail into the same life as an online one, and the claim code that lets its applicant follow
it online afterwards.

The filing date is the receipt date, never the typing date: R423-3 (the mairie's receipt at
the counter or the date on the AR for the post) and R423-5-1 (an e-mail: the electronic
acknowledgement; the délais run from the electronic receipt). Numbering, clock, timers and the
receipt are permits.filing's, unchanged.
"""

from __future__ import annotations

import logging
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from permits.filing import FilingError, create_draft, file_dossier
from permits.models import CounterFiling, Dossier, DossierParcel
from permits.notify import send_to
from permits.pieces import catalogue
from permits.pieces.store import add_piece
from permits.pieces.validation import PieceRefused, check_upload
from workflow.clock import format_fr
from workflow.events import record_event

logger = logging.getLogger(__name__)

# Beyond this many days between receipt and registration, the agent says why (issue 23).
LATE_AFTER_DAYS = 5
# No 0/O, 1/I/L: read aloud at the counter and typed from paper.
CLAIM_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CLAIM_LENGTH = 12


class ClaimRefused(Exception):
    """A claim code that is wrong, already used or used by another account (French)."""


def check_received_on(received_on: date, late_reason: str, today: date) -> None:
    """Raises ValueError with a French message for a date the counter may not register."""
    if received_on > today:
        raise ValueError(
            "La date de réception ne peut pas être dans le futur : indiquez le jour où la "
            "mairie a reçu la demande (article R423-3)."
        )
    if (today - received_on).days > LATE_AFTER_DAYS and not late_reason.strip():
        raise ValueError(
            f"La demande a été reçue il y a plus de {LATE_AFTER_DAYS} jours : indiquez le motif "
            "de cet enregistrement tardif (il est conservé dans l'historique du dossier)."
        )


@transaction.atomic
def open_registration(
    *, agent, commune, procedure: str, channel: str, received_on: date, late_reason: str = ""
) -> Dossier:
    """A counter draft: no depositor (the applicant has no account yet), the channel and the
    receipt date kept until registration."""
    check_received_on(received_on, late_reason, timezone.localdate())
    draft = create_draft(procedure=procedure, commune=commune, channel=channel)
    CounterFiling.objects.create(
        dossier=draft,
        received_on=received_on,
        late_reason=late_reason.strip(),
        registered_by=agent,
    )
    if late_reason.strip():
        logger.warning(
            "late counter registration",
            extra={"dossier": draft.pk, "received_on": received_on.isoformat()},
        )
    return draft


def receipt_moment(received_on: date, now: datetime) -> datetime:
    """The filing time: now for a filing received today, otherwise noon (Paris) that day, so
    the local date is the receipt date whatever the time zone."""
    if received_on == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.combine(received_on, time(12)))


def new_claim_code() -> str:
    """The code printed on a counter récépissé with which the applicant claims the dossier online;
    random, shown once."""
    raw = "".join(secrets.choice(CLAIM_ALPHABET) for _ in range(CLAIM_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CLAIM_LENGTH, 4))


def claim_digest(code: str) -> str:
    """Keyed digest of the normalised code (spaces, dashes and case ignored)."""
    normalised = re.sub(r"[^A-Z0-9]", "", code.upper())
    return salted_hmac("permits.counter.claim", normalised).hexdigest()


def register(dossier_id: int, agent, now: datetime | None = None) -> tuple[Dossier, str]:
    """Files the counter draft at its receipt date and returns it with its claim code, printed
    on the récépissé. Refusals raise FilingError, with nothing written."""
    now = now or timezone.now()
    code = new_claim_code()
    with transaction.atomic():
        counter = CounterFiling.objects.select_for_update().get(dossier_id=dossier_id)
        # Checked again: a draft opened yesterday may be registered today.
        try:
            check_received_on(counter.received_on, counter.late_reason, timezone.localdate(now))
        except ValueError as refusal:
            raise FilingError(str(refusal)) from refusal
        # The site decides the commune (R423-1); missing pieces are asked afterwards, within
        # the month (R423-38), as for an online filing.
        if not DossierParcel.objects.filter(dossier_id=dossier_id).exists():
            raise FilingError(
                "Indiquez les parcelles du terrain à l'étape « Le terrain » avant d'enregistrer "
                "le dépôt."
            )
        filed = file_dossier(
            dossier_id,
            now=receipt_moment(counter.received_on, now),
            actor=agent,
            receipt={"claim_code": code},
        )
        counter.claim_digest, counter.registered_at = claim_digest(code), now
        counter.save(update_fields=["claim_digest", "registered_at"])
        record_event(
            filed,
            "counter_registered",
            actor=agent,
            payload={
                "channel": filed.channel,
                "received_on": counter.received_on.isoformat(),
                "registered_on": timezone.localdate(now).isoformat(),
                "late_reason": counter.late_reason,
            },
        )
    _mail_receipt(filed, counter, code)
    return filed, code


def _mail_receipt(dossier: Dossier, counter: CounterFiling, code: str) -> None:
    applicant = dossier.applicants.order_by("rank").first()
    if applicant is None or not applicant.email:
        return
    send_to(
        applicant.email,
        dossier,
        "Récépissé de dépôt",
        f"Votre demande a été reçue en mairie le {format_fr(counter.received_on)} et "
        f"enregistrée sous le numéro {dossier.display_number} (article R423-3). Le récépissé "
        f"vous a été remis ou adressé.\n\nPour suivre votre dossier en ligne, identifiez-vous "
        f"et choisissez « Suivre un dossier déposé en mairie », avec le code de suivi : {code}",
    )


@transaction.atomic
def claim(code: str, user, electronic_notification_consent: bool) -> Dossier:
    """The applicant's account becomes the dossier's depositor: they follow it online and,
    if they consent, are notified electronically from then on (R424-10)."""
    counter = (
        CounterFiling.objects.select_for_update()
        .select_related("dossier")
        .filter(claim_digest=claim_digest(code))
        .first()
    )
    if counter is None or not code.strip():
        raise ClaimRefused(
            "Ce code de suivi ne correspond à aucun dossier : vérifiez-le sur votre récépissé."
        )
    if counter.claimed_by_id == user.pk:
        raise ClaimRefused("Vous suivez déjà ce dossier : il figure dans « Mes dossiers ».")
    if counter.claimed_at is not None:
        raise ClaimRefused(
            "Ce code de suivi a déjà été utilisé. Si ce n'est pas par vous, adressez-vous à "
            "la mairie."
        )
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=counter.dossier_id)
    dossier.depositor = user
    dossier.electronic_notification_consent = electronic_notification_consent
    dossier.save(update_fields=["depositor", "electronic_notification_consent", "updated_at"])
    counter.claimed_by, counter.claimed_at = user, timezone.now()
    counter.save(update_fields=["claimed_by", "claimed_at"])
    record_event(
        dossier,
        "claimed_online",
        actor=user,
        payload={"electronic_notification_consent": electronic_notification_consent},
    )
    return dossier


def filed_on_day(communes, day: date):
    """The dossiers whose legal filing date (Paris) is `day`, in the order of filing."""
    start = timezone.make_aware(datetime.combine(day, time.min))
    end = timezone.make_aware(datetime.combine(day, time.max))
    return (
        Dossier.objects.filter(commune__in=communes, filed_at__range=(start, end))
        .exclude(number__isnull=True)
        .select_related("commune", "counter_filing")
        .prefetch_related("applicants")
        .order_by("filed_at", "number")
    )


# --- one scan split into pieces -------------------------------------------------------------


@dataclass(frozen=True)
class PageRange:
    code: str
    first: int
    last: int


_RANGE = re.compile(r"^\s*([A-Za-z0-9-]+)\s*[:=]\s*(\d+)\s*(?:-\s*(\d+))?\s*$")


def parse_ranges(text: str, procedure: str, page_count: int) -> list[PageRange]:
    """Lines "PCMI1 : 1-2": each piece of the procedure's catalogue with its pages. Raises
    ValueError (French) naming the first wrong line."""
    known = {spec.code for spec in catalogue.pieces_for(procedure)}
    ranges = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _RANGE.match(line)
        if not match:
            raise ValueError(
                f"Ligne {number} : écrivez le code de la pièce puis ses pages, par exemple "
                "« PCMI1 : 1-2 »."
            )
        code = match.group(1).upper()
        first, last = int(match.group(2)), int(match.group(3) or match.group(2))
        if code not in known:
            raise ValueError(f"Ligne {number} : {code} n'est pas une pièce de cette démarche.")
        if not 1 <= first <= last <= page_count:
            raise ValueError(
                f"Ligne {number} : les pages doivent être comprises entre 1 et {page_count}, "
                "la première avant la dernière."
            )
        ranges.append(PageRange(code, first, last))
    if not ranges:
        raise ValueError("Indiquez au moins une pièce et ses pages.")
    return ranges


def split_scan(dossier: Dossier, scan, ranges_text: str, agent) -> list:
    """Cuts one scanned PDF into pieces and stores each through the journey's checks. Every
    range is checked before anything is stored, and the pieces are stored together or not at
    all (PieceRefused, French)."""
    # deferred: pypdf is heavy, needed when a scan is split, not with the counter's views
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PdfReadError

    # The whole scan passes the journey's checks first (a PDF by its content, no hidden
    # markup); pypdf alone would read a damaged or disguised file leniently.
    if check_upload(scan).content_type != "application/pdf":
        raise PieceRefused("La numérisation à découper doit être un seul fichier PDF.")
    scan.seek(0)
    try:
        reader = PdfReader(BytesIO(scan.read()))
        page_count = len(reader.pages)
    except (PdfReadError, ValueError, OSError):
        raise PieceRefused("Le fichier numérisé n'est pas un PDF lisible.") from None
    try:
        ranges = parse_ranges(ranges_text, dossier.procedure, page_count)
    except ValueError as error:
        raise PieceRefused(str(error)) from None
    parts = []
    for item in ranges:
        writer = PdfWriter()
        for index in range(item.first - 1, item.last):
            writer.add_page(reader.pages[index])
        buffer = BytesIO()
        writer.write(buffer)
        name = f"{item.code}-pages-{item.first}-{item.last}.pdf"
        parts.append((item.code, SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")))
    with transaction.atomic():
        return [add_piece(dossier, code, part, agent) for code, part in parts]
