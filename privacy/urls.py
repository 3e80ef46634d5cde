"""The privacy pages: notices, the person's data and account closing, the commune's access log,
reuse of a dossier."""

from django.urls import path

from privacy import views

app_name = "privacy"
urlpatterns = [
    path("donnees-personnelles/", views.notice_index, name="notice_index"),
    path("donnees-personnelles/<str:insee_code>/", views.notice, name="notice"),
    path("compte/mes-donnees/", views.my_data, name="my_data"),
    path("compte/mes-donnees/telecharger/", views.export, name="export"),
    path("compte/cloturer/", views.close, name="close_account"),
    path("communes/<str:insee_code>/journal-des-acces/", views.access_log, name="access_log"),
    path("demarches/reprendre/", views.reuse, name="reuse"),
    path("demarches/reprendre/<int:pk>/", views.reuse_start, name="reuse_start"),
    path("dossiers/<int:pk>/brouillon/supprimer/", views.delete_draft_view, name="delete_draft"),
]
