"""Logging filters named in settings.LOGGING."""

import logging


class PlainForbidden(logging.Filter):
    """Drop the traceback Django attaches to a 403 (PermissionDenied): the line says enough."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
