from django.urls import path

from permits.views import dossiers

app_name = "permits"
urlpatterns = [
    path("<int:pk>/", dossiers.dossier_detail, name="dossier_detail"),
]
