from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.http import urlencode
from django_htmx.http import HttpResponseClientRedirect


class VietnameseFirstMiddleware:
    """Pages open in Vietnamese whatever the browser's language settings; English is one
    click away (the language switch stores the choice in a cookie). API clients keep choosing
    with ``Accept-Language``; a request to the API from the browser's session (the
    dashboard's exports) has the language of the pages. Must come before
    ``LocaleMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from_pages = settings.SESSION_COOKIE_NAME in request.COOKIES and (
            "HTTP_AUTHORIZATION" not in request.META
        )
        if not request.path.startswith("/api/") or from_pages:
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class HtmxLoginRedirectMiddleware:
    """When an idle session has expired, an htmx update (procedure search, appointment
    preview) would follow the redirect to the login page and swap that whole page into a
    fragment of the form. Instead the browser is sent to the login page as a full page
    (``HX-Redirect``), coming back afterwards to the page the user was on. Goes after
    ``HtmxMiddleware`` and ``AuthenticationMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            getattr(request, "htmx", False)
            and response.status_code == 302
            and not request.user.is_authenticated
        ):
            login = resolve_url(settings.LOGIN_URL)
            if response["Location"].split("?", 1)[0] == login:
                back = request.htmx.current_url_abs_path or "/"
                return HttpResponseClientRedirect(f"{login}?{urlencode({'next': back})}")
        return response
