from django.urls import path

from permits.decisions import views

app_name = "decisions"

urlpatterns = [
    path("", views.verify, name="verify"),
]
