"""The sign-in page, password sign-in, the second factor and the re-authentication."""

import logging

from django.contrib.auth import authenticate
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from accounts import reauth, sign_in, throttle, totp
from accounts.forms import CodeForm, PasswordLoginForm, ReauthenticationForm
from accounts.oidc import get_provider
from accounts.permissions import login_required

logger = logging.getLogger(__name__)


@sensitive_post_parameters("password")
@never_cache
@require_http_methods(["GET", "POST"])
def login(request):
    """Password sign-in, with lockout: the same message whether the login or the password is
    wrong, so accounts cannot be discovered."""
    next_url = request.POST.get("next") or request.GET.get("next", "")
    form = PasswordLoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        login_name = form.cleaned_data["login"]
        key, ip = throttle.password_key(login_name), throttle.client_ip(request)
        if throttle.is_locked(key, ip):
            logger.warning("password sign-in locked", extra={"ip": ip})
            error = throttle.locked_message()
        else:
            user = authenticate(
                request, username=login_name, password=form.cleaned_data["password"]
            )
            if user is None:
                throttle.record_failure(key, ip)
                error = "Identifiant ou mot de passe incorrect."
            else:
                throttle.clear(key)
                return sign_in.begin(request, user, next_url=sign_in.safe_next(request, next_url))
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "error": error,
            "next": next_url,
            "franceconnect": get_provider("franceconnect"),
            "proconnect": get_provider("proconnect"),
        },
        status=400 if error else 200,
    )


def _code_attempt(request, user, code: str, *, confirming: bool = False) -> str:
    """ "" when the code is right, else the message to show (with lockout)."""
    key, ip = throttle.totp_key(user), throttle.client_ip(request)
    if throttle.is_locked(key, ip):
        return throttle.locked_message()
    if totp.verify(user, code, confirming=confirming):
        throttle.clear(key)
        return ""
    throttle.record_failure(key, ip)
    return "Code incorrect ou déjà utilisé. Saisissez le code affiché maintenant."


@never_cache
@require_http_methods(["GET", "POST"])
def second_factor(request):
    """The TOTP code of a signatory whose password was right: the session holds only a pending
    user until the code is accepted."""
    user = sign_in.pending_user(request)
    if user is None or not totp.has_confirmed_device(user):
        return redirect("accounts:login")
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        error = _code_attempt(request, user, form.cleaned_data["code"])
        if not error:
            return sign_in.finish(request, user)
    return render(request, "accounts/second_factor.html", {"form": form, "error": error})


@never_cache
@require_http_methods(["GET", "POST"])
def totp_setup(request):
    """First sign-in of a signatory: the authenticator app is paired with a code it shows."""
    user = sign_in.pending_user(request)
    if user is None or totp.has_confirmed_device(user):
        return redirect("accounts:login")
    device = totp.pending_device(user)
    form = CodeForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        error = _code_attempt(request, user, form.cleaned_data["code"], confirming=True)
        if not error:
            return sign_in.finish(request, user)
    return render(
        request,
        "accounts/totp_setup.html",
        {
            "form": form,
            "error": error,
            "secret": device.secret,
            "uri": totp.provisioning_uri(device),
            "qr_svg": totp.qr_svg(totp.provisioning_uri(device)),
        },
    )


@sensitive_post_parameters("password")
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reauthenticate(request):
    """Proving again who one is before signing (reauth.fresh_authentication_required)."""
    user = request.user
    needs_password = user.has_usable_password()
    needs_code = totp.has_confirmed_device(user)
    next_url = sign_in.safe_next(request, request.POST.get("next") or request.GET.get("next"))
    form = ReauthenticationForm(
        request.POST or None, needs_password=needs_password, needs_code=needs_code
    )
    error = ""
    if not (needs_password or needs_code):
        error = (
            "Ce compte n'a ni mot de passe ni application d'authentification : "
            "la confirmation d'identité est impossible. Contactez votre administrateur."
        )
    elif request.method == "POST" and form.is_valid():
        key, ip = throttle.password_key(user.username), throttle.client_ip(request)
        if throttle.is_locked(key, ip):
            error = throttle.locked_message()
        elif needs_password and not user.check_password(form.cleaned_data["password"]):
            throttle.record_failure(key, ip)
            error = "Mot de passe incorrect."
        elif needs_code:
            error = _code_attempt(request, user, form.cleaned_data["code"])
        if not error:
            throttle.clear(key)
            reauth.mark_authenticated(request)
            return redirect(next_url)
    return render(
        request,
        "accounts/reauthenticate.html",
        {"form": form, "error": error, "next": next_url},
        status=400 if error else 200,
    )
