"""Production static files: hashed names and compressed copies, served by whitenoise."""

import pytest
from django.core.management import call_command
from django.test import override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


@pytest.fixture
def collected(tmp_path):
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=MANIFEST):
        call_command("collectstatic", interactive=False, verbosity=0)
        yield tmp_path


def test_collectstatic_writes_hashed_and_compressed_files(collected):
    css = [p.name for p in (collected / "css").iterdir()]
    assert any(
        name.startswith("app.") and name.endswith(".css") and name != "app.css" for name in css
    )
    assert any(name.endswith(".css.gz") for name in css)
    js = [p.name for p in (collected / "js").iterdir()]
    assert any(name.startswith("respondent.") and name.endswith(".js.gz") for name in js)


def test_no_gov_uk_font_or_crown_is_shipped(collected):
    names = [str(p.relative_to(collected)) for p in collected.rglob("*") if p.is_file()]
    assert not [n for n in names if n.endswith((".woff", ".woff2"))]
    assert not [n for n in names if "crown" in n or "crest" in n]
    css = (collected / "css" / "app.css").read_text()
    assert "GDS Transport" not in css
