"""Logging filters: personal data never goes to logs."""

import logging
import re

_QUERY = re.compile(r"\?\S*")


class StripQueryString(logging.Filter):
    """Drop query strings from the development server's request lines, as gunicorn's access
    log does (``gunicorn.conf.py``): a list search may carry a personal ID, phone or name."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args and isinstance(record.args[0], str):
            record.args = (_QUERY.sub("", record.args[0]), *record.args[1:])
        return True
