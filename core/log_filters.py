"""Logging filters (used by ``LOGGING`` in the settings): no personal data and no needless
tracebacks in the logs."""

import logging
import re

_QUERY = re.compile(r"\?\S*")


class RefusalWithoutTraceback(logging.Filter):
    """Django logs a refused request (``PermissionDenied`` → 403, and a few other 4xx) with the
    exception's traceback, so every ordinary "not allowed" fills the console with a stack.
    Keep the one warning line (status, path) and drop the traceback for answers below 500;
    server errors (5xx) keep theirs. On the ``django.request`` logger, where Django logs them."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and getattr(record, "status_code", 500) < 500:
            record.exc_info = None
            record.exc_text = None
        return True


class StripQueryString(logging.Filter):
    """Drop query strings from the development server's request lines, as gunicorn's access
    log does (``gunicorn.conf.py``): a list search may carry a personal ID, phone or name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_QUERY.sub("", record.args[0]), *record.args[1:])
        return True
