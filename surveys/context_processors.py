from django.conf import settings
from django.urls import reverse, translate_url
from django.utils.translation import get_language, override


def quick_exit(request):
    """Where the quick exit goes, for the script that leaves without a round trip."""
    return {"quick_exit_url": settings.QUICK_EXIT_URL}


def language_switch(request):
    """For the "English" / "Cymraeg" switch: each language named in itself, with this
    page's address in it, or None for the language of this page. A page with no
    address of its own ("page not found") links to the other language's start page."""
    current = get_language()
    languages = []
    for code, name in settings.LANGUAGES:
        url = None
        if code != current:
            url = translate_url(request.path, code)
            if url == request.path:
                with override(code):
                    url = reverse("surveys:start")
        languages.append((code, name, url))
    return {"language_switch": languages}
