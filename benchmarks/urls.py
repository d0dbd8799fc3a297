"""The project's URLs plus two floors for `make bench` to compare the app with:

- /bench/bare/: a Django view that does nothing, through the same middleware as every
  page: the framework's floor for the respondent pages;
- /bench/insert/: a POST that inserts one row with one SQL statement and answers 303,
  as a stored submission does: the floor for survey submissions. Its table,
  bench_insert, exists only in the benchmark's database (benchmarks/databases.py makes it).
"""

import uuid
from datetime import date

from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from soteria_survey.urls import urlpatterns as project_urlpatterns

INSERT = "INSERT INTO bench_insert (id, month) VALUES (%s, %s)"


def bare(request):
    return HttpResponse("ok")


@csrf_exempt
@require_POST
def insert(request):
    with connection.cursor() as cursor:
        cursor.execute(INSERT, [uuid.uuid4(), date.today().replace(day=1)])
    return HttpResponseRedirect("/survey/thank-you/", status=303)


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/insert/", insert),
    *project_urlpatterns,
]
