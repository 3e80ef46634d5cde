"""Sign-in, sign-out and account pages."""

urlpatterns = []
