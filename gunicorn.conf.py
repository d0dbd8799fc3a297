"""Production WSGI server settings: `gunicorn soteria_survey.wsgi` reads this file.

Respondents' visits must not be traceable from logs (README.md, "Security"). The access
log has a line for staff requests (the admin's URLs) only, without the client address,
user agent or referrer: a respondent's request leaves no line, so neither the pages
they reached, nor their language, nor the size and timing of a reply shows. gunicorn's
own error log leaves out the address it names when it refuses a malformed request.
"""

import logging
import os
import re

from gunicorn.glogging import Logger

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# The survey is small and fast; a request that takes this long is stuck.
timeout = 30
# No runtime control socket: nothing uses it, and servers run by one user would share it.
control_socket_disable = True


class _NoClientAddress(logging.Filter):
    """gunicorn reports a request it cannot parse as "Invalid request from ip=ADDRESS:
    ERROR": keep the report, drop the address."""

    _FROM_ADDRESS = re.compile(r"^Invalid request from ip=\S*: ")

    def filter(self, record):
        record.msg = self._FROM_ADDRESS.sub("Invalid request: ", str(record.msg))
        return True


# soteria_survey/urls.py serves the admin here; everything else is a respondent's.
STAFF_PREFIX = "/admin/"


class AddressFreeLogger(Logger):
    """gunicorn's logger: access lines for staff requests only, and client addresses
    kept out of its error log as well."""

    def __init__(self, cfg):
        super().__init__(cfg)
        self.error_log.addFilter(_NoClientAddress())

    def access(self, resp, req, environ, request_time):
        if environ.get("PATH_INFO", "").startswith(STAFF_PREFIX):
            super().access(resp, req, environ, request_time)


logger_class = AddressFreeLogger
