"""The project's URLs and one that fails, for tests of the server error page: Django
renders templates/500.html for it as it would for any unhandled error."""

from django.urls import path

from soteria_survey.urls import urlpatterns as project_urlpatterns


def _fail(request):
    raise RuntimeError("a fault for tests of the server error page")


urlpatterns = [*project_urlpatterns, path("fault/", _fail)]
