from django.urls import path

from accessibility import views

app_name = "accessibility"
urlpatterns = [path("accessibilite/", views.statement, name="statement")]
