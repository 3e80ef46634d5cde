"""Roles read once per request (accounts.permissions.remembered_roles): the guard, the view,
the menu and every list of the request share one query."""

from accounts.permissions import remembered_roles


class RememberedRolesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with remembered_roles(request.user):
            return self.get_response(request)
