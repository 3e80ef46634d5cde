from django.urls import path

from permits.views import (
    after_decision,
    consulted,
    dossiers,
    follow,
    follow_ups,
    journey,
    officer,
    platau,
    public,
    signatory,
    worklist,
)

app_name = "permits"
urlpatterns = [
    path("demarches/", journey.choose_procedure, name="choose"),
    path("demarches/commencer/", journey.start_draft, name="start"),
    path("dossiers/", journey.my_dossiers, name="dashboard"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
    path(
        "dossiers/<int:pk>/documents/<int:document_id>/",
        dossiers.document_download,
        name="document_download",
    ),
    path("dossiers/<int:pk>/brouillon/", journey.draft_tasks, name="draft"),
    path(
        "dossiers/<int:pk>/brouillon/demandeur/",
        journey.step_applicant,
        name="draft_step_demandeur",
    ),
    path("dossiers/<int:pk>/brouillon/terrain/", journey.step_site, name="draft_step_terrain"),
    path("dossiers/<int:pk>/brouillon/projet/", journey.step_project, name="draft_step_projet"),
    path("dossiers/<int:pk>/brouillon/pieces/", journey.step_pieces, name="draft_step_pieces"),
    path("dossiers/<int:pk>/brouillon/verifier/", journey.step_review, name="draft_review"),
    path(
        "dossiers/<int:pk>/brouillon/changer-de-demarche/",
        journey.switch_procedure,
        name="draft_switch",
    ),
    path("dossiers/<int:pk>/message/", follow.post_message, name="post_message"),
    path(
        "dossiers/<int:pk>/pieces/<int:piece_id>/fichier/", dossiers.piece_file, name="piece_file"
    ),
    path("dossiers/<int:pk>/pieces/", follow.missing_pieces, name="missing_pieces"),
    path("dossiers/<int:pk>/acte/<str:act>/", follow.applicant_act, name="applicant_act"),
    path("dossiers/<int:pk>/suite/<str:kind>/", follow_ups.follow_up, name="follow_up"),
    path("boite-mail/", follow.mailbox, name="mailbox"),
    path("instruction/", worklist.worklist, name="worklist"),
    path("instruction/attribuer/", worklist.assign, name="assign"),
    path("instruction/<int:pk>/", officer.instruction_page, name="instruction"),
    path("instruction/<int:pk>/acte/<str:name>/", officer.act, name="officer_act"),
    path(
        "instruction/<int:pk>/avis/<int:document_id>/",
        consulted.instructor_opinion_document,
        name="instructor_opinion_document",
    ),
    path("instruction/<int:pk>/platau/acte/", platau.transmit, name="platau_transmit"),
    path(
        "instruction/<int:pk>/platau/<int:exchange_id>/renvoyer/",
        platau.resend,
        name="platau_resend",
    ),
    path("instruction/<int:pk>/actes.xml", officer.actes_export, name="actes_export"),
    path(
        "instruction/<int:pk>/apres-decision/<str:name>/",
        after_decision.officer_act,
        name="after_decision_act",
    ),
    path(
        "dossiers/<int:pk>/attestation-conformite/",
        after_decision.request_attestation,
        name="conformity_attestation",
    ),
    path("parapheur/", signatory.parapheur, name="parapheur"),
    path("registres/", public.registers, name="registers"),
    path("consultations/", consulted.consultations, name="consultations"),
    path("consultations/<int:pk>/", consulted.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/avis/", consulted.answer, name="answer"),
    path(
        "consultations/<int:pk>/pieces/<int:piece_id>/",
        consulted.consultation_piece,
        name="consultation_piece",
    ),
    path(
        "consultations/<int:pk>/documents/<int:document_id>/",
        consulted.opinion_document,
        name="opinion_document",
    ),
    path("statistiques/", public.statistics, name="statistics"),
    path("parapheur/signer-la-selection/", signatory.sign_batch, name="sign_batch"),
    path("parapheur/<int:pk>/apercu/", signatory.preview, name="preview"),
    path("parapheur/<int:pk>/signer/", signatory.sign, name="sign"),
    path("parapheur/<int:pk>/renvoyer/", signatory.send_back, name="send_back"),
    path("parapheur/<int:pk>/engager-retrait/", signatory.start_retrait, name="start_retrait"),
    path("parapheur/<int:pk>/retrait/", after_decision.pronounce_retrait, name="pronounce_retrait"),
]
