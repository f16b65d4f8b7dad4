"""A logging filter that keeps personal data out of logs.

Query strings are cut from every request line (``GET /search/?q=+1929... HTTP/1.1`` becomes
``GET /search/?… HTTP/1.1``): a search for a phone number or an email is personal data.
"""

from __future__ import annotations

import logging
import re

__all__ = ["RedactFilter", "redact"]

# Bounded, linear: a '?' then up to 8 KiB of non-space characters.
_QUERY = re.compile(r"\?\S*")  # everything up to white space: names such as O'Brien included


def redact(text: str) -> str:
    """Remove query strings from ``text``."""
    return _QUERY.sub("?…", text) if "?" in text else text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            if isinstance(record.args, tuple):
                record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
            elif isinstance(record.args, dict):
                record.args = {k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()}
        # Django attaches the request to 4xx/5xx records; a formatter printing it would leak the query.
        if hasattr(record, "request"):
            record.request = None
        return True
