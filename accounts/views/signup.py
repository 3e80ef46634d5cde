"""Creating an e-mail account and verifying its address."""

from django.db import transaction
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_safe

from accounts import email_verification, sign_in
from accounts.forms import SignupForm
from accounts.models import User


@sensitive_post_parameters("password1", "password2")
@never_cache
@require_http_methods(["GET", "POST"])
def signup(request):
    """An e-mail account for applicants without FranceConnect; the same page whether the
    address is known or not (no enumeration), the account inactive until verified."""
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        if (
            User.objects.filter(username__iexact=email).exists()
            or User.objects.filter(email__iexact=email, email_verified_at__isnull=False).exists()
        ):
            email_verification.send_already_registered(request, email)
        else:
            with transaction.atomic():
                # Inactive until the link is followed: nobody signs in with an unproven address.
                user = User(username=email, email=email, is_active=False)
                user.set_password(form.cleaned_data["password1"])
                user.save()
            email_verification.send_verification(request, user)
        return render(request, "accounts/signup_sent.html", {"email": email})
    return render(request, "accounts/signup.html", {"form": form})


@never_cache
@require_safe
def verify_email(request, token: str):
    """The link of the verification e-mail: activates the account, then signs in as a password
    sign-in would (second factor included)."""
    user = email_verification.verify(token)
    if user is None:
        return render(request, "accounts/verify_email_invalid.html", status=400)
    return sign_in.begin(request, user, next_url=sign_in.safe_next(request, None))
