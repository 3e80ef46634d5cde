"""Sign-in, sign-out and account pages."""

from django.urls import path

from accounts.views import federated, password, profile, signup

app_name = "accounts"

urlpatterns = [
    path("connexion/", password.login, name="login"),
    path(
        "connexion/franceconnect/",
        federated.start,
        {"provider": "franceconnect"},
        name="franceconnect_start",
    ),
    path(
        "connexion/franceconnect/retour/",
        federated.callback,
        {"provider": "franceconnect"},
        name="franceconnect_callback",
    ),
    path(
        "connexion/proconnect/",
        federated.start,
        {"provider": "proconnect"},
        name="proconnect_start",
    ),
    path(
        "connexion/proconnect/retour/",
        federated.callback,
        {"provider": "proconnect"},
        name="proconnect_callback",
    ),
    path("connexion/second-facteur/", password.second_factor, name="second_factor"),
    path("connexion/second-facteur/activer/", password.totp_setup, name="totp_setup"),
    path("connexion/confirmer/", password.reauthenticate, name="reauthenticate"),
    path("deconnexion/", federated.logout, name="logout"),
    path("deconnexion/terminee/", federated.logged_out, name="logged_out"),
    path("compte/", profile.account, name="account"),
    path("compte/identite/", profile.identity, name="identity"),
    path("compte/creer/", signup.signup, name="signup"),
    path("compte/verifier/<str:token>/", signup.verify_email, name="verify_email"),
]
