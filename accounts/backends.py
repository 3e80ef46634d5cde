"""Password sign-in by login or by e-mail address (applicants' e-mail accounts)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.models import User
from core.compiled import KEY_MARKER, Compiled

# The user of every signed-in request, compiled once (core.compiled).
USER = Compiled(lambda pk: User.objects.filter(pk=pk), pk=KEY_MARKER)


class PasswordBackend(ModelBackend):
    def get_user(self, user_id):
        """As ModelBackend.get_user (an inactive user is no user), in a compiled statement."""
        try:
            pk = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = USER.first(pk=pk)
        return user if user is not None and self.user_can_authenticate(user) else None

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
