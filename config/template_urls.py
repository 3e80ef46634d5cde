"""`{% url %}` as Django's, with each reversal remembered per process.

Reversing took ~0.1 ms per link and a page has a dozen (the menu, the footer, its own links):
about a tenth of a dossier page's CPU (bench/load). The result depends only on the arguments,
the current namespace, the script prefix and the URLconf (no URL here depends on the
language), which are the cache's key; a reversal that fails is not cached. Installed as a
template builtin (settings TEMPLATES), so it replaces Django's tag in every template.
"""

from functools import lru_cache

from django import template
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()


@lru_cache(maxsize=8192)
def _reverse(view_name, args, kwargs, current_app, _prefix, urlconf) -> str:
    # _prefix is only part of the key: reverse() reads the script prefix itself.
    return reverse(
        view_name, urlconf=urlconf, args=args, kwargs=dict(kwargs), current_app=current_app
    )


def cached_reverse(view_name, args=(), kwargs=None, current_app=None) -> str:
    key_kwargs = tuple(sorted((kwargs or {}).items()))
    try:
        return _reverse(
            view_name, tuple(args), key_kwargs, current_app, get_script_prefix(), get_urlconf()
        )
    except TypeError:  # an argument that cannot be a key: reversed as Django does
        return reverse(view_name, args=args, kwargs=kwargs, current_app=current_app)


class CachedURLNode(URLNode):
    def render(self, context):
        args = [arg.resolve(context) for arg in self.args]
        kwargs = {k: v.resolve(context) for k, v in self.kwargs.items()}
        view_name = self.view_name.resolve(context)
        try:  # the same current namespace as Django's tag
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = cached_reverse(view_name, args, kwargs, current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = django_url(parser, token)
    return CachedURLNode(node.view_name, node.args, node.kwargs, node.asvar)
