"""The sign-in, second-factor and sign-up forms, with their French labels and errors."""

from django import forms
from django.contrib.auth import password_validation

from accounts.models import User


class PasswordLoginForm(forms.Form):
    login = forms.CharField(
        label="Identifiant ou adresse électronique",
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code à 6 chiffres de votre application d'authentification",
        max_length=7,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )


class ReauthenticationForm(forms.Form):
    """Password (when the account has one) and code (when it has a second factor)."""

    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = CodeForm.base_fields["code"]

    def __init__(self, *args, needs_password: bool, needs_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not needs_password:
            del self.fields["password"]
        if not needs_code:
            del self.fields["code"]


class SignupForm(forms.Form):
    email = forms.EmailField(
        label="Adresse électronique", widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label="Mot de passe (12 caractères au moins)",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label="Confirmation du mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", "Les deux mots de passe ne sont pas identiques.")
        elif cleaned.get("password1"):
            try:
                password_validation.validate_password(
                    cleaned["password1"], User(username=cleaned.get("email", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned
