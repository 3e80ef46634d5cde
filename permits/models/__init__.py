from permits.models.applicants import Applicant, ApplicantKind
from permits.models.dossiers import Dossier, DossierParcel
from permits.models.sequences import NumberSequence

__all__ = ["Applicant", "ApplicantKind", "Dossier", "DossierParcel", "NumberSequence"]
