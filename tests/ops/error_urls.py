"""Test-only URLs: the portal's URLs plus one page that fails in the middle of rendering its
layout, to see the 500 page as users get it (``ROOT_URLCONF`` overridden in
``tests/ops/test_error_pages.py``)."""

from django.http import HttpResponse
from django.template import engines
from django.urls import path

from hue_admin import urls as portal

PAGE = engines["django"].from_string(
    "{% extends 'base.html' %}{% block content %}<p>{{ boom.value }}</p>{% endblock %}"
)


class Exploding:
    @property
    def value(self):
        raise RuntimeError("failure in the middle of rendering")


def fails_while_rendering(request):
    return HttpResponse(PAGE.render({"boom": Exploding()}, request))


handler403 = getattr(portal, "handler403", "django.views.defaults.permission_denied")
handler404 = portal.handler404
handler500 = portal.handler500
urlpatterns = [*portal.urlpatterns, path("test-only/fails/", fails_while_rendering)]
