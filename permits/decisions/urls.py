"""/verifier: checking a document the commune issued, open to anyone."""

from django.urls import path

from permits.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.verify, name="verify"),
]
