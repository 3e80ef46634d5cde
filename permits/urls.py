from django.urls import path

from permits.views import dossiers, follow, journey

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
    path("dossiers/<int:pk>/message/", follow.post_message, name="post_message"),
    path("dossiers/<int:pk>/pieces/", follow.missing_pieces, name="missing_pieces"),
    path("dossiers/<int:pk>/acte/<str:act>/", follow.applicant_act, name="applicant_act"),
    path("boite-mail/", follow.mailbox, name="mailbox"),
]
