class VietnameseFirstMiddleware:
    """Pages open in Vietnamese whatever the browser's language settings; English is one
    click away (the language switch stores the choice in a cookie). API clients keep choosing
    with ``Accept-Language``. Must come before ``LocaleMiddleware``."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
