"""Logging filters (used by ``LOGGING`` in the settings)."""

import logging


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
