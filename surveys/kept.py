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
All of that is in ``KeptPage``, the one place here that leans on how Django compresses
rather than on what it documents.

The pages are kept in a dict of this module: Django's cache framework (even its
local-memory cache) pickles what it keeps on every get and set, and a compressor's
state cannot be pickled.

With DEBUG on, pages are rendered every time, so that template edits show at once; a
changed setting (in tests) makes every page render afresh.
"""

import re
import secrets
import struct
import zlib
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import render as render_page
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.html import escape
from django.utils.translation import get_language

# Where a kept page's token goes: unguessable, and left alone by HTML escaping.
SLOT = f"kept-page-slot-{secrets.token_hex(16)}"
# A page's template context, given where the slot goes.
Context = Callable[[str], dict[str, Any]]
_pages: dict[tuple[Hashable, ...], "KeptPage"] = {}


def render(
    request: HttpRequest,
    template_name: str,
    context: Context = lambda slot: {},
    *,
    key: tuple[Hashable, ...] = (),
    fill: str = "",
) -> HttpResponse:
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
    return page.response(request, escape(fill).encode())


@receiver(setting_changed)
def _forget_pages(**kwargs: object) -> None:
    _pages.clear()


class KeptPage:
    """A rendered page split at its slot, served as Django's GZipMiddleware would serve
    it whole, but with the part before the slot compressed once, when it is kept.

    GZipMiddleware (through django.utils.text.compress_string) compresses a whole page
    for each response: about 0.7 ms for the survey's questions, more than Django's own
    handling of the request. Compressing only the rest, after a copy of the compressor's
    state at the slot, takes about 0.05 ms. So this class writes the gzip format itself
    (RFC 1952, with the standard library's zlib), and relies on Django for two things
    it does not document, which tests/test_upgrade_canaries.py checks:

    - GZipMiddleware compresses a response when the request's Accept-Encoding passes
      ``_ACCEPTS_GZIP`` (the middleware's own test is a module-level regular
      expression), and leaves one that already has a Content-Encoding alone;
    - Django's defence against BREACH is a name of random length, up to
      ``GZipMiddleware.max_random_bytes``, in the gzip header (compress_string).
    """

    _ACCEPTS_GZIP = re.compile(r"\bgzip\b")
    _COMPRESS_LEVEL = 6  # as GZipMiddleware
    # ID1 ID2, deflate, FNAME set, no modification time, no extra flags, unknown OS.
    _GZIP_HEADER = b"\x1f\x8b\x08\x08\x00\x00\x00\x00\x00\xff"

    def __init__(self, html: str) -> None:
        self.head, _, self.tail = html.encode().partition(SLOT.encode())
        # Raw deflate: the gzip header and trailer are written per response. The sync
        # flush hands over every byte of the head now; without it the compressor would
        # hold back its last block, and each response would encode that block again.
        self._deflate = zlib.compressobj(self._COMPRESS_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        self._deflated_head = self._deflate.compress(self.head) + self._deflate.flush(
            zlib.Z_SYNC_FLUSH
        )
        self._head_crc = zlib.crc32(self.head)

    def response(self, request: HttpRequest, fill: bytes) -> HttpResponse:
        """The page with ``fill`` (bytes) in its slot, compressed if the request accepts
        gzip; GZipMiddleware leaves it as it is."""
        if self.accepts_gzip(request):
            response = HttpResponse(self.gzipped(fill))
            response.headers["Content-Encoding"] = "gzip"
        else:
            response = HttpResponse(self.content(fill))
        patch_vary_headers(response, ("Accept-Encoding",))
        return response

    @classmethod
    def accepts_gzip(cls, request: HttpRequest) -> bool:
        return bool(cls._ACCEPTS_GZIP.search(request.headers.get("accept-encoding", "")))

    def content(self, fill: bytes) -> bytes:
        return b"".join((self.head, fill, self.tail))

    def gzipped(self, fill: bytes) -> bytes:
        rest = fill + self.tail
        deflate = self._deflate.copy()
        trailer = struct.pack(
            "<2L", zlib.crc32(rest, self._head_crc), (len(self.head) + len(rest)) & 0xFFFFFFFF
        )
        return b"".join(
            (
                self._GZIP_HEADER,
                self._random_name(),
                self._deflated_head,
                deflate.compress(rest),
                deflate.flush(),
                trailer,
            )
        )

    @staticmethod
    def _random_name() -> bytes:
        """A zero-terminated name of 1 to GZipMiddleware.max_random_bytes letters."""
        length = secrets.randbelow(GZipMiddleware.max_random_bytes) + 1
        return secrets.token_hex(length)[:length].encode() + b"\x00"
