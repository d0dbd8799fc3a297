"""A database restart while respondents submit: the app under gunicorn, its PostgreSQL
stopped (fast shutdown, as in a crash or failover) and started again.

During the outage every submission gets the "not saved yet" page (503) with all its
answers still in the form; nothing gets a 500. Once the database is back, sending the
same forms stores each exactly once.
"""

import psycopg

from tests.live_app import served, throwaway_cluster
from tests.survey_data import submission

NOT_SAVED = "your answers have not been saved yet"


def _post(app, form):
    return app.request("POST", "/survey/", form)


def _assert_kept(reply, form):
    """The 503 page still holds the respondent's answers, ready to send again."""
    assert reply.status == 503, reply.text
    assert NOT_SAVED in reply.text
    assert f'value="{form["token"]}"' in reply.text
    assert form["free_text"] in reply.text
    assert '<option value="kent" selected>' in reply.text
    assert reply.headers["Cache-Control"] == "no-store"


def test_submissions_during_a_database_restart_are_kept_then_stored_once(tmp_path):
    with throwaway_cluster() as cluster, served(cluster.url, tmp_path / "app.log") as app:

        def new_form(name):
            return submission(app.new_token(), free_text=f"Form {name} in my own words.")

        forms = {name: new_form(name) for name in "ABCD"}
        acknowledged = set()
        for name in "AB":
            assert _post(app, forms[name]).status == 303
            acknowledged.add(name)

        cluster.stop()
        # A form begun during the outage: the eligibility step needs no database.
        forms["E"] = new_form("E")
        for name in "CDAEC":  # new forms, an already stored one again, a repeat
            _assert_kept(_post(app, forms[name]), forms[name])

        cluster.start()
        for name in "CDAEC":
            reply = _post(app, forms[name])
            assert reply.status == 303, reply.text
            assert reply.headers["Location"] == "/survey/thank-you/"
            acknowledged.add(name)

        with psycopg.connect(cluster.url) as database:
            (responses,) = database.execute("SELECT count(*) FROM surveys_response").fetchone()
            (receipts,) = database.execute(
                "SELECT count(*) FROM surveys_submissionreceipt"
            ).fetchone()
            texts = database.execute(
                "SELECT free_text FROM surveys_response ORDER BY free_text"
            ).fetchall()
        log = app.log()

    assert responses == receipts == len(acknowledged) == len(forms)
    assert [text for (text,) in texts] == sorted(forms[name]["free_text"] for name in forms)
    assert "Could not store a response" in log  # the outage did reach the app
    assert "Internal Server Error" not in log
    assert "Traceback" not in log
