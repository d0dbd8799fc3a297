"""Walk every admin URL as a force analyst of another force and as a signed-in
non-staff user: nothing of force A may leak, whatever the page or parameter."""

import re

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import URLResolver

from surveys.models import AuditEntry, SurveyResponse
from tests.staff import sign_in
from tests.survey_data import submission

pytestmark = pytest.mark.django_db

# What a force analyst may open; everything else must be refused or not found.
ANALYST_PAGES = {
    "",
    "results/",
    "results.csv",
    "password_change/",
    "password_change/done/",
    "jsi18n/",
}


def _admin_paths(object_ids):
    """Every admin URL pattern as a concrete path, once per object id for object URLs."""

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            else:
                yield route

    for route in walk(admin.site.urls[0], ""):
        route = re.sub(r"\^\(\?P<app_label>[^)]*\)/\$", "surveys/", route).lstrip("^").rstrip("$")
        route = route.replace("<int:content_type_id>", str(ContentType.objects.first().pk))
        if "<path:object_id>" in route:
            for object_id in object_ids:
                yield route.replace("<path:object_id>", str(object_id))
        else:
            yield route


@pytest.fixture
def dorset_data(client, token, django_user_model):
    client.post("/survey/", submission(token, force="dorset", free_text="Dorset secret"))
    response = SurveyResponse.objects.get(force="dorset")
    auditor = django_user_model.objects.create_superuser("auditor", password="x" * 20)
    entry = AuditEntry.objects.create(user=auditor, action="view results", filters={}, base=1)
    return [response.pk, entry.pk, auditor.pk, "dorset"]


@pytest.fixture
def kent_analyst(monkeypatch, django_user_model):
    monkeypatch.setenv("ANALYST_PASSWORD", "a-long-enough-password-9")
    call_command("create_analyst", "kent-analyst", force="kent")
    return django_user_model.objects.get(username="kent-analyst")


def test_another_forces_analyst_sees_nothing_of_dorset(client, dorset_data, kent_analyst):
    sign_in(client, kent_analyst)
    paths = sorted(set(_admin_paths(dorset_data)))
    assert len(paths) > 40
    for path in paths:
        for query in ["", "?force=dorset", "?force__slug__exact=dorset&q=Dorset"]:
            page = client.get(f"/admin/{path}{query}")
            if path in ANALYST_PAGES:
                # The results pages answer filters they do not know with a 400 page.
                unknown = path.startswith("results") and "q=" in query
                assert page.status_code == (400 if unknown else 200), path
            else:
                assert page.status_code in (302, 403, 404, 405), (path, page.status_code)
            # Django's "… with ID x doesn't exist" notes echo ids that we typed.
            body = re.sub(
                r'<ul class="messagelist">.*?</ul>', "", page.content.decode(), flags=re.S
            )
            assert "Dorset" not in body, path
            assert str(dorset_data[0]) not in body, path


def test_non_staff_user_is_sent_to_sign_in_everywhere(client, dorset_data, django_user_model):
    user = django_user_model.objects.create_user("someone", password="x" * 20)
    client.force_login(user)
    for path in sorted(set(_admin_paths(dorset_data))):
        page = client.get(f"/admin/{path}")
        if path in {"login/", "logout/"}:
            continue
        assert page.status_code in (302, 404, 405), (path, page.status_code)
        if page.status_code == 302:
            assert page["Location"].startswith("/admin/login/"), path
        assert "Dorset" not in page.content.decode(errors="replace"), path
