"""django-survey-and-report's own URLs under /survey/, and a bare view for gunicorn's
start-up check (benchmarks/server.py waits for /bench/bare/)."""

from django.http import HttpResponse
from django.urls import include, path


def bare(request):
    return HttpResponse("ok")


urlpatterns = [
    path("bench/bare/", bare),
    path("survey/", include("survey.urls")),
]
