"""API views imported on their first use rather than with the URLconf.

The API's modules load DRF's views and serializers and drf-spectacular, whose schema classes
load DRF's test client (django.test); every `manage.py check` loads the URLconf, and no command
needs them. A web process imports them at its first API request or schema generation.
"""

from functools import cached_property
from importlib import import_module


class LazyView:
    """The view at `dotted_path` (a view function, or a class-based view given its as_view()
    arguments), imported on the first call or the first look at its attributes: Django's
    resolver and middleware, and the schema generator, read the real view's (cls, initkwargs,
    view_class, csrf_exempt…) through __getattr__, so routing, CSRF and the OpenAPI schema see
    the same view as an eager import would give them."""

    def __init__(self, dotted_path: str, **as_view_kwargs):
        self.dotted_path = dotted_path
        self.as_view_kwargs = as_view_kwargs

    @cached_property
    def view(self):
        """The real view, imported at its first request: DRF and drf-spectacular stay out of
        start-up."""
        module, _, name = self.dotted_path.rpartition(".")
        target = getattr(import_module(module), name)
        return target.as_view(**self.as_view_kwargs) if isinstance(target, type) else target

    def __call__(self, request, *args, **kwargs):
        return self.view(request, *args, **kwargs)

    def __getattr__(self, name):
        if name == "view":  # an import that failed inside the property: let its error show
            raise AttributeError(name)
        return getattr(self.view, name)

    def __repr__(self):
        return f"<LazyView {self.dotted_path}>"
