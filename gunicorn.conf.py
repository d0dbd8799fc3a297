"""Production WSGI server settings: `gunicorn soteria_survey.wsgi` reads this file.

The access log leaves out the client address, user agent and referrer: respondents'
visits must not be traceable from logs (DESIGN.md, anonymity rule 3).
"""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
access_log_format = '"%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# The survey is small and fast; a request that takes this long is stuck.
timeout = 30
