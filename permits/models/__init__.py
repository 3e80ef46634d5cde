from permits.models.applicants import Applicant, ApplicantKind
from permits.models.channels import Channel
from permits.models.counter import CounterFiling
from permits.models.counts import StateCount
from permits.models.documents import IssuedDocument  # noqa: F401 (registers the model)
from permits.models.dossiers import Dossier, DossierParcel
from permits.models.floor_areas import FloorArea
from permits.models.mail import SentMail
from permits.models.messages import Message
from permits.models.pieces import Piece
from permits.models.platau import PlatauAccount, PlatauExchange, PlatauLink
from permits.models.sequences import NumberSequence

__all__ = [
    "Applicant",
    "ApplicantKind",
    "Channel",
    "CounterFiling",
    "Dossier",
    "DossierParcel",
    "FloorArea",
    "Message",
    "NumberSequence",
    "Piece",
    "PlatauAccount",
    "PlatauExchange",
    "PlatauLink",
    "SentMail",
    "StateCount",
]
