"""`{% url %}` remembered per process (config.template_urls) gives what Django's tag gives."""

import pytest
from django.template import Context, engines
from django.template.engine import Engine
from django.urls import NoReverseMatch, set_script_prefix

from config.template_urls import CachedURLNode

CASES = [
    "{% url 'permits:choose' %}",
    "{% url 'permits:dossier_detail' pk=12 %}",
    "{% url 'permits:dossier_detail' 12 %}",
    "{% url 'permits:applicant_act' pk=n act='withdraw' %}",
    "{% url 'permits:dossier_detail' pk=n as link %}[{{ link }}]",
    "{% url 'no-such-view' as link %}[{{ link }}]",
]


def _both(source):
    ours = engines["django"].engine.from_string(source)
    django = Engine(builtins=[]).from_string(source)  # Django's own tag
    return ours, django


@pytest.mark.parametrize("source", CASES)
def test_each_link_is_djangos(source):
    ours, django = _both(source)
    assert any(isinstance(node, CachedURLNode) for node in ours.nodelist)
    for n in (7, 8, 7):  # the second time from the cache
        assert ours.render(Context({"n": n})) == django.render(Context({"n": n}))


def test_an_unknown_view_still_fails_and_the_script_prefix_is_part_of_the_key():
    ours, _ = _both("{% url 'no-such-view' %}")
    with pytest.raises(NoReverseMatch):
        ours.render(Context())
    link, _ = _both("{% url 'permits:choose' %}")
    before = link.render(Context())
    set_script_prefix("/urbanisme/")
    try:
        assert link.render(Context()) == "/urbanisme" + before
    finally:
        set_script_prefix("/")
    assert link.render(Context()) == before
