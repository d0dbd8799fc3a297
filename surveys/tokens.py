"""Signed, single-use form tokens: the survey's protection against forged and repeated
submissions, carried in the form rather than in a cookie (respondents get no cookies).

A token is a random nonce signed with the secret key and the time it was issued. The
nonce is recorded when a response is stored (SubmissionReceipt), so posting the same
form twice stores one response.
"""

import secrets
from datetime import timedelta

from django.core import signing

_SALT = "surveys.submission-token"
# Long enough that nobody who leaves the tab open loses their answers; a submission with
# an older token is shown the form again, answers intact, with a fresh token.
MAX_AGE = timedelta(days=60)


def issue() -> str:
    return signing.dumps(secrets.token_urlsafe(24), salt=_SALT)


def nonce_from(token: str | None) -> str | None:
    """The token's nonce, or None if it is forged, mangled or expired."""
    try:
        nonce = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE)
    except signing.BadSignature:
        return None
    return nonce if isinstance(nonce, str) else None
