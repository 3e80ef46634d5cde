"""Password sign-in by login or by e-mail address (applicants' e-mail accounts)."""

from django.contrib.auth.backends import ModelBackend

from accounts.models import User


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None:
            return None
        login = username.strip()
        user = User.objects.filter(username__iexact=login).first()
        if user is None and "@" in login:
            # E-mail accounts: only a verified address signs in (accounts.email_verification).
            user = User.objects.filter(email__iexact=login, email_verified_at__isnull=False).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
