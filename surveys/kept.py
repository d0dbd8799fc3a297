"""Respondent pages that are the same for everyone who sees them, rendered once and kept.

Rendering a page of GOV.UK markup costs several times what Django's own request
handling does, and compressing the long survey page as much again. Yet most respondent
pages are the same for everyone: the start page, the eligibility questions before any
answer, the survey's questions before any answer. So each worker process renders each
of them once, keeps the bytes, and serves them from memory (make bench measures it).

Only blank pages are kept: a page showing an answer or an error message is rendered for
its own request, so nothing a respondent gave is held beyond their request.

One thing may differ between the people who see a kept page: the survey's single-use
form token. The page is rendered with a marker where the token goes, split there, and
each response puts its own token in. The part before the marker is kept compressed,
with the compressor's state at that point, so that a request compresses only the short
rest (the token, the send button and the footer). As Django's GZipMiddleware does
against BREACH, every compressed response has a random-length name in its gzip header.

With DEBUG on, pages are rendered every time, so that template edits show at once; a
changed setting (in tests) makes every page render afresh.
"""

import secrets
import struct
import zlib

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.shortcuts import render as render_page
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import get_language

# Where a kept page's token goes: unguessable, and left alone by HTML escaping.
SLOT = f"kept-page-slot-{secrets.token_hex(16)}"
_COMPRESS_LEVEL = 6  # as Django's GZipMiddleware
# ID1 ID2, deflate, FNAME set, no modification time, no extra flags, unknown OS (RFC 1952).
_GZIP_HEADER = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"

_pages = {}


def render(request, template_name, context=lambda slot: {}, *, key=(), fill=""):
    """The response for a page that is the same for everyone given ``key`` (with the
    template, the language and the address: its language switch links to the same
    address in the other language), but for ``fill``. ``context(slot)`` gives the template's
    context with ``slot`` where ``fill`` is to go; it is called only to render."""
    if settings.DEBUG:
        return render_page(request, template_name, context(fill))
    page_key = (template_name, get_language(), request.path, *key)
    page = _pages.get(page_key)
    if page is None:
        page = _pages[page_key] = KeptPage(render_to_string(template_name, context(SLOT), request))
    fill = escape(fill).encode()
    if re_accepts_gzip.search(request.headers.get("accept-encoding", "")):
        response = HttpResponse(page.gzipped(fill))
        response.headers["Content-Encoding"] = "gzip"
    else:
        response = HttpResponse(page.content(fill))
    patch_vary_headers(response, ("Accept-Encoding",))
    return response


@receiver(setting_changed)
def _forget_pages(**kwargs):
    _pages.clear()


class KeptPage:
    """A rendered page split at its slot; the part before it also kept compressed."""

    def __init__(self, html):
        self.head, _, self.tail = html.encode().partition(SLOT.encode())
        # Raw deflate: the gzip header and trailer are written per response. The sync
        # flush hands over every byte of the head now; without it the compressor would
        # hold back its last block, and each response would encode that block again.
        self._deflate = zlib.compressobj(_COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._deflated_head = self._deflate.compress(self.head) + self._deflate.flush(
            zlib.Z_SYNC_FLUSH
        )
        self._head_crc = zlib.crc32(self.head)

    def content(self, fill):
        return b"".join((self.head, fill, self.tail))

    def gzipped(self, fill):
        rest = fill + self.tail
        deflate = self._deflate.copy()
        trailer = struct.pack(
            "<2L", zlib.crc32(rest, self._head_crc), (len(self.head) + len(rest)) & 0xFFFFFFFF
        )
        return b"".join(
            (
                _GZIP_HEADER,
                _random_name(),
                self._deflated_head,
                deflate.compress(rest),
                deflate.flush(),
                trailer,
            )
        )


def _random_name():
    """A zero-terminated name of 1 to GZipMiddleware.max_random_bytes letters."""
    length = secrets.randbelow(GZipMiddleware.max_random_bytes) + 1
    return secrets.token_hex(length)[:length].encode() + b"\x00"
