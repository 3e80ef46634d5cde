"""E-mail accounts for applicants without FranceConnect (the law requires any electronic filing
to be accepted): the address is verified by a signed link before the account can sign in."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User

SALT = "accounts.email-verification"
MAX_AGE_S = 3 * 24 * 3600


def make_token(user: User) -> str:
    """The signed, expiring token of the verification link; the address is part of it, so a
    link sent to an old address stops working."""
    return signing.dumps({"user": user.pk, "email": user.email}, salt=SALT, compress=True)


def send_verification(request, user: User):
    """Mails the link that activates the account: nobody signs in with an unproven address."""
    link = request.build_absolute_uri(reverse("accounts:verify_email", args=[make_token(user)]))
    context = {"link": link, "days": MAX_AGE_S // 86400, "site_name": settings.PERMIS_SITE_NAME}
    send_mail(
        subject=render_to_string("accounts/email/verify_subject.txt", context).strip(),
        message=render_to_string("accounts/email/verify_body.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def send_already_registered(request, email: str):
    """Same answer on the page whether or not the address has an account (no enumeration)."""
    context = {"login_url": request.build_absolute_uri(reverse("accounts:login"))}
    send_mail(
        subject="Vous avez déjà un compte",
        message=render_to_string("accounts/email/already_registered_body.txt", context),
        from_email=None,
        recipient_list=[email],
    )


def verify(token: str) -> User | None:
    """The user whose address the link proves, now verified and active; None if invalid."""
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE_S)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("user"), email=data.get("email")).first()
    if user is None:
        return None
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.is_active = True
        user.save(update_fields=["email_verified_at", "is_active"])
    return user
