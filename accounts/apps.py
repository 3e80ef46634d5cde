"""The accounts room: people, communes, services and roles, and how one signs in."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Comptes, communes et rôles"
