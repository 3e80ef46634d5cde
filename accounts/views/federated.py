"""Sign-in and sign-out through FranceConnect (applicants) and ProConnect (agents)."""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING

from django.contrib import auth
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts import sign_in
from accounts.models import FederatedIdentity, User
from accounts.oidc import OIDCError, ProviderConfig, get_provider

if TYPE_CHECKING:
    from accounts.oidc.client import OIDCClient, VerifiedIdentity

logger = logging.getLogger(__name__)

PENDING = "permis_oidc_pending"  # state → {provider, nonce, code_verifier, next, at}
PENDING_MAX = 5  # sign-ins started in other tabs and never finished
PENDING_TTL_S = 600
LOGOUT_STATE = "permis_oidc_logout_state"


def _config(provider: str) -> ProviderConfig:
    config = get_provider(provider)
    if not config.enabled:
        raise Http404(f"{config.label} n'est pas configuré sur ce service.")
    return config


def client_for(request, config: ProviderConfig) -> OIDCClient:
    """The OpenID client with this site's callback URLs, unless the settings fix them (a proxy
    may hide the public host)."""
    # deferred: authlib, joserfc and requests are heavy, loaded at the first sign-in
    from accounts.oidc.client import OIDCClient

    callback = reverse(f"accounts:{config.name}_callback")
    return OIDCClient(
        config,
        redirect_uri=config.redirect_uri or request.build_absolute_uri(callback),
        post_logout_redirect_uri=config.post_logout_redirect_uri
        or request.build_absolute_uri(reverse("accounts:logged_out")),
    )


def _failure(request, config: ProviderConfig, error: OIDCError):
    logger.warning(
        "oidc sign-in refused",
        extra={
            "provider": config.name,
            "reason": error.code,
            "detail": error.detail,
            "signed_in": request.user.is_authenticated,
        },
    )
    # A bad callback is a plain link any site can make: it must not sign out whoever is signed
    # in. Their session stays (its pending state was already dropped); an anonymous one goes.
    signed_in = request.user.is_authenticated
    if not signed_in:
        request.session.flush()
    status = 200 if error.provider_error == "access_denied" else 400
    return render(
        request,
        "accounts/oidc_error.html",
        {"message": error.message(config.label, signed_in=signed_in), "provider": config},
        status=status,
    )


@never_cache
@require_safe
def start(request, provider: str):
    """Sends to the provider; the state, nonce and PKCE verifier stay in the session (a few
    at once, each for a limited time) to check its answer."""
    config = _config(provider)
    client = client_for(request, config)
    try:
        authorization = client.authorization_request()
    except OIDCError as error:
        return _failure(request, config, error)
    pending = {
        state: data
        for state, data in request.session.get(PENDING, {}).items()
        if time.time() - data["at"] < PENDING_TTL_S
    }
    pending[authorization.state] = {
        "provider": config.name,
        "nonce": authorization.nonce,
        "code_verifier": authorization.code_verifier,
        "next": sign_in.safe_next(request, request.GET.get("next")),
        "at": int(time.time()),
    }
    request.session[PENDING] = dict(list(pending.items())[-PENDING_MAX:])
    return redirect(authorization.url)


@never_cache
@require_safe
def callback(request, provider: str):
    """The provider's answer: a state serves once, then the ID token is checked and the
    account found by its `sub` before anyone is signed in."""
    config = _config(provider)
    # A state serves once: it leaves the session before anything else is checked.
    pending_all = request.session.get(PENDING, {})
    pending = pending_all.pop(request.GET.get("state", ""), None)
    request.session[PENDING] = pending_all
    try:
        if (
            pending is None
            or pending["provider"] != config.name
            or time.time() - pending["at"] >= PENDING_TTL_S
        ):
            error = request.GET.get("error", "")
            raise OIDCError("state", "unknown, replayed or expired state", provider_error=error)
        identity = client_for(request, config).complete(request.GET.dict(), pending)
        user = _user_for(identity)
    except OIDCError as error:
        return _failure(request, config, error)
    logout = {"provider": config.name, "id_token": identity.id_token}
    return sign_in.begin(request, user, next_url=pending["next"], logout=logout)


@transaction.atomic
def _user_for(identity: VerifiedIdentity) -> User:
    """The account of a federated identity: found by `sub`, never by e-mail for applicants
    (reference §6.1). Agents from ProConnect are linked once to the account an administrator
    created for their professional address; their roles stay local (reference §6.3)."""
    record = (
        FederatedIdentity.objects.select_for_update()
        .select_related("user")
        .filter(provider=identity.provider, sub=identity.sub)
        .first()
    )
    claims = identity.claims
    if record is None:
        if identity.provider == FederatedIdentity.Provider.PROCONNECT:
            user = _agent_for(claims)
        else:
            user = User(username=f"fc:{identity.sub}"[:150], email=claims.get("email", ""))
            user.set_unusable_password()
        record = FederatedIdentity(user=user, provider=identity.provider, sub=identity.sub)
    user = record.user
    if not user.is_active:
        raise OIDCError("account", "inactive account")
    user.first_name = claims.get("given_name", user.first_name)[:150]
    user.last_name = (
        claims.get("usual_name") or claims.get("preferred_username") or claims.get("family_name")
    ) or user.last_name
    user.last_name = user.last_name[:150]
    if not user.email and claims.get("email"):
        user.email = claims["email"]  # not verified by us: email_verified_at stays empty
    user.save()
    record.user = user
    record.claims = claims
    record.claims_received_at = timezone.now()
    record.acr = identity.acr
    record.save()
    return user


def _agent_for(claims: dict) -> User:
    email = claims.get("email", "")
    user = (
        User.objects.filter(email__iexact=email, is_active=True, memberships__isnull=False)
        .exclude(federated_identities__provider=FederatedIdentity.Provider.PROCONNECT)
        .distinct()
        .first()
        if email
        else None
    )
    if user is None:
        raise OIDCError("account", "no agent account for this ProConnect identity")
    return user


@never_cache
@require_POST
def logout(request):
    """Ends the session here, then at the provider (id_token_hint, state, declared
    post_logout_redirect_uri: reference §6.1). The provider's logout is a link followed by a
    script (a cross-origin redirect after a form post would break the form-action policy)."""
    oidc = request.session.get(sign_in.LOGOUT)
    auth.logout(request)
    end_session_url = None
    if oidc:
        config = get_provider(oidc["provider"])
        state = secrets.token_urlsafe(32)
        try:
            end_session_url = client_for(request, config).end_session_url(oidc["id_token"], state)
        except OIDCError as error:
            logger.warning("oidc logout unavailable", extra={"reason": error.code})
        if end_session_url:
            request.session[LOGOUT_STATE] = state
    if end_session_url is None:
        return redirect("accounts:logged_out")
    return render(
        request,
        "accounts/logout.html",
        {"end_session_url": end_session_url, "provider": get_provider(oidc["provider"])},
    )


@never_cache
@require_safe
def logged_out(request):
    """Where the provider sends back after its own logout; an unknown state is only logged,
    since the local session is already closed."""
    expected = request.session.pop(LOGOUT_STATE, None)
    returned = request.GET.get("state")
    if returned is not None and returned != expected:
        logger.warning("oidc logout returned an unknown state")
    return render(request, "accounts/logged_out.html")
