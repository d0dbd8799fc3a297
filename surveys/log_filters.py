"""What Django's own log records may carry to the log an operator ships.

Two kinds of record say more than an operator needs, and more than a respondent should
leave behind: a CSRF failure quotes the request's whole Referer or Origin (the page
someone came from), and a 400 (a malformed or oversized request) comes with its whole
traceback. Both keep one plain line.
"""

import logging


class PlainRequestRecords(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if record.name == "django.security.csrf" and isinstance(args, tuple) and len(args) == 2:
            # "Forbidden (%s): %s" with (reason, path); a reason quotes the Referer or
            # Origin after " - ": "Referer checking failed - https://... does not match".
            # (Named arguments, a mapping, are not that message.)
            reason, path = args
            record.args = (str(reason).split(" - ")[0], path)
        if getattr(record, "status_code", None) == 400:
            record.exc_info = None
            record.exc_text = None
            record.stack_info = None
        return True
