from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def quick_exit_url() -> str:
    """Where the quick exit goes. Read from the settings rather than the context, so that
    the pages Django renders without a request (its 400 and 500 pages) leave at once too,
    rather than by a round trip to /exit/."""
    return settings.QUICK_EXIT_URL
