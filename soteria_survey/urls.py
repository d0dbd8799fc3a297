from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    # English at /, Welsh at /cy/: the URL carries the language through every step.
    *i18n_patterns(path("", include("surveys.urls")), prefix_default_language=False),
]
