from collections.abc import Sequence

from django.conf import settings
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import get_language, override

# (language code, its name in itself, this page's address in it or None for this language)
type LanguageLink = tuple[str, str, str | None]


def language_switch(request: HttpRequest) -> dict[str, Sequence[LanguageLink]]:
    """For the "English" / "Cymraeg" switch on respondent pages: each language named in
    itself, with this page's address in it, or None for the language of this page. A
    page with no address of its own ("page not found") links to the other language's
    start page; the admin, English only, has no switch."""
    try:
        match = resolve(request.path_info)
    except Resolver404:
        match = None
    if match is not None and match.namespace != "surveys":
        return {"language_switch": ()}
    view, args, kwargs = (
        (match.view_name, match.args, match.kwargs) if match else ("surveys:start", (), {})
    )
    current = get_language()
    languages: list[LanguageLink] = []
    for code, name in settings.LANGUAGES:
        url = None
        if code != current:
            with override(code):
                url = reverse(view, args=args, kwargs=kwargs)
        languages.append((code, name, url))
    return {"language_switch": languages}
