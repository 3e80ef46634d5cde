"""An e-mail to the applicant at each step of the dossier's legal life, whoever or whatever
fired it (an officer's act, a timer): one receiver on django-fsm's post_transition. The mail
leaves after the commit (permits.notify), so a refused or rolled-back act sends nothing. The
notification of the decision writes its own mail, with the date it is deemed received."""

from django.dispatch import receiver
from django_fsm.signals import post_transition

from permits.models import Dossier
from permits.notify import email_applicant

SEE_PAGE = "Le détail et les dates sont sur la page du dossier, dans votre espace."
MAILS = {
    "request_pieces": ("Pièces manquantes", "Le service urbanisme vous demande des pièces "
                       "manquantes : vous avez trois mois pour les fournir depuis votre espace "
                       "(R423-39). Le courrier est disponible sur la page du dossier."),
    "notify_majoration": ("Délai d'instruction modifié", "Le délai d'instruction de votre "
                          "demande est majoré (R423-42). " + SEE_PAGE),
    "declare_complete": ("Dossier complet", "Votre dossier est complet : son instruction est "
                         "en cours. " + SEE_PAGE),
    "deem_complete": ("Dossier complet", "Aucune pièce ne vous a été demandée dans le mois : "
                      "votre dossier est réputé complet (R423-22). " + SEE_PAGE),
    "receive_pieces": ("Pièces reçues", "Les pièces demandées ont été reçues : le délai "
                       "d'instruction court à compter de leur réception (R423-39). " + SEE_PAGE),
    "arise_tacit_decision": ("Décision tacite", "Aucune décision ne vous a été notifiée dans le "
                             "délai d'instruction : une décision tacite est née. " + SEE_PAGE),
    "expire_pieces_window": ("Demande rejetée", "Les pièces demandées n'ont pas été fournies "
                             "dans les trois mois : la demande est tacitement rejetée "
                             "(R423-39 b). " + SEE_PAGE),
    "record_prefet_ack": ("Décision transmise au préfet", "La décision a été transmise au "
                          "contrôle de légalité. " + SEE_PAGE),
    "close_conformity_window": ("Conformité des travaux", "La conformité de vos travaux ne "
                                "peut plus être contestée (R462-6). Vous pouvez demander une "
                                "attestation de non-contestation. " + SEE_PAGE),
    "lapse": ("Autorisation périmée", "Les travaux n'ayant pas commencé dans le délai de "
              "validité, l'autorisation est périmée (R424-17). " + SEE_PAGE),
}  # fmt: skip


@receiver(post_transition, sender=Dossier)
def mail_the_applicant(sender, instance, name, **kwargs):
    if name in MAILS and "exception" not in kwargs:
        email_applicant(instance, *MAILS[name])
