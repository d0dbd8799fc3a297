"""Pages of comments on the results page (docs/disclosure.md, "Free text"): every
comment of the matching publication groups, group after group, each group in the
order of its random ids, FREE_TEXT_PAGE to a page; a long group goes on over the next.
Whatever pages and filters an analyst combines, they see whole groups or slices of
them cut by nothing but the group and its random order."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from surveys.models import AuditEntry, SurveyResponse
from surveys.publication import publish_due
from surveys.results import FREE_TEXT_PAGE
from tests.research_data import PUBLISHED_ON, QUARTER, QUARTER_MONTHS, add_responses

RESULTS = reverse("admin:results")
pytestmark = pytest.mark.django_db

KENT = 230  # more than a page: it goes on over the next
ESSEX = 30
DORSET = 9  # fewer than the threshold: never shown


def _comments(kent, essex, dorset=0):
    """Reporters' comments to three forces in one quarter, then published."""
    add_responses(kent, force="kent", free_text="Kent comment {number}.")
    add_responses(essex, force="essex", free_text="Essex comment {number}.")
    add_responses(dorset, force="dorset", free_text="Dorset comment {number}.")
    publish_due(PUBLISHED_ON)


@pytest.fixture
def national(national_analyst):
    """The analyst, with Kent's reporters' quarter of comments longer than a page,
    Essex's short, and Dorset's too small to publish, all in one published quarter."""
    _comments(KENT, ESSEX, DORSET)
    return national_analyst


def _pages(client, **filters):
    """Every page of comments under the filters, in order, each as a list of (group
    label, comments)."""
    pages, number, last = [], 1, 1
    while number <= last:
        comments = client.get(RESULTS, {**filters, "comments_page": number}).context["comments"]
        pages.append([(group.label, group.texts) for group in comments.groups])
        last = comments.page.paginator.num_pages
        number += 1
    return pages


def _in_id_order(force):
    return list(
        SurveyResponse.objects.filter(force_id=force)
        .exclude(free_text="")
        .order_by("id")
        .values_list("free_text", flat=True)
    )


def test_a_long_group_goes_on_over_the_next_page_and_every_comment_is_shown_once(national):
    first, second = _pages(national)
    # Groups in their fixed order (Essex before Kent in the same quarter): Essex whole,
    # then Kent's first 170 by id on the first page, its other 60 on the second.
    assert [(label.split(",")[0], len(texts)) for label, texts in first] == [
        ("Essex Police", ESSEX),
        ("Kent Police", FREE_TEXT_PAGE - ESSEX),
    ]
    assert [(label.split(",")[0], len(texts)) for label, texts in second] == [
        ("Kent Police", KENT + ESSEX - FREE_TEXT_PAGE)
    ]
    assert first[0][1] == _in_id_order("essex")
    assert first[1][1] + second[0][1] == _in_id_order("kent")
    assert first[1][0] == second[0][0]  # the same group, named the same on both pages


def test_the_page_says_where_it_is_and_links_to_the_others(national):
    html = national.get(RESULTS).content.decode()
    assert "Comments 1 to 200 of 260." in html
    assert "Comments 1 to 170 of this group’s 230. The group goes on over the next page." in html
    pages = re.search(r'<nav class="comment-pages"[^>]*>(.*?)</nav>', html, re.S).group(1)
    links = re.findall(r'<a href="\?([^"]*)"([^>]*)>([^<]*)</a>', pages)
    assert [(query, text) for query, _attributes, text in links] == [
        ("force=&amp;period=all&amp;reported=&amp;breakdown=&amp;comments_page=1#comments", "1"),
        ("force=&amp;period=all&amp;reported=&amp;breakdown=&amp;comments_page=2#comments", "2"),
        (
            "force=&amp;period=all&amp;reported=&amp;breakdown=&amp;comments_page=2#comments",
            "Next page",
        ),
    ]
    assert 'aria-current="page"' in links[0][1]
    assert 'id="comments"' in html
    last = national.get(RESULTS, {"comments_page": 2}).content.decode()
    assert "Comments 201 to 260 of 260." in last
    assert "Comments 171 to 230 of this group’s 230." in last
    assert "goes on over the next page" not in last
    assert "Previous page" in last
    assert "Next page" not in last


def test_one_page_of_comments_has_no_page_links(national):
    html = national.get(RESULTS, {"force": "essex"}).content.decode()
    assert "Comments 1 to 30 of 30." in html
    assert "of this group’s" not in html  # shown whole
    assert 'class="comment-pages"' not in html


def test_a_page_past_the_last_shows_the_last(national):
    comments = national.get(RESULTS, {"comments_page": 99}).context["comments"]
    assert comments.page.number == 2
    assert [len(group.texts) for group in comments.groups] == [KENT + ESSEX - FREE_TEXT_PAGE]


@pytest.mark.parametrize("given", ["0", "-1", "two", "1.5", "１", "9999999", " 2", "2#"])
def test_a_malformed_page_number_gets_a_clear_message(national, given):
    page = national.get(RESULTS, {"comments_page": given})
    assert page.status_code == 400
    assert "The page of comments asked for is not a page number." in page.content.decode()


def test_a_page_number_given_twice_gets_a_clear_message(national):
    page = national.get(RESULTS + "?comments_page=1&comments_page=2")
    assert page.status_code == 400
    assert "was given more than once" in page.content.decode()


def test_an_empty_page_number_is_the_first_page(national):
    comments = national.get(RESULTS, {"comments_page": ""}).context["comments"]
    assert comments.page.number == 1


def test_combining_pages_and_filters_gives_whole_groups_and_nothing_smaller(national):
    """The intruder reads every page under every filter the page offers, and subtracts
    any one view from any other: what is left is always a whole group, or nothing, and
    the group too small to publish is never seen."""
    groups = {
        force: set(_in_id_order(force)) for force in ("kent", "essex")
    }  # the publishable groups
    views = {}
    for force in ("", "kent", "essex", "dorset"):
        for period in ("all", QUARTER, f"{QUARTER_MONTHS[0]:%Y-%m}"):
            for reported in ("", "yes", "no"):
                filters = {"force": force, "period": period, "reported": reported}
                page = national.get(RESULTS, filters)
                if page.status_code != 200 or page.context["comments"] is None:
                    continue
                pages = _pages(national, **filters)
                for page in pages:  # each group's part of a page: a run in its id order
                    for label, texts in page:
                        whole = _in_id_order("kent" if "Kent" in label else "essex")
                        start = whole.index(texts[0])
                        assert texts == whole[start : start + len(texts)]
                views[tuple(filters.values())] = {t for p in pages for _, ts in p for t in ts}
    assert len(views) > 5
    seen = set().union(*views.values())
    assert not {text for text in seen if text.startswith("Dorset")}
    assert seen == groups["kent"] | groups["essex"]
    for one in views.values():
        for other in views.values():
            left = one - other
            assert left in (set(), groups["kent"], groups["essex"], seen), sorted(left)[:3]


def test_a_page_is_cut_by_random_ids_not_by_when_comments_were_sent(national):
    """Kent's group spans three months. Were its comments ordered by month, the cut
    between pages would tell one month's comments from the next."""
    first, second = _pages(national, force="kent")
    by_month = list(
        SurveyResponse.objects.filter(force_id="kent")
        .order_by("submitted_month", "id")
        .values_list("free_text", flat=True)
    )
    shown = first[0][1] + second[0][1]
    assert shown == _in_id_order("kent")
    assert shown != by_month  # else these random ids would prove nothing


def test_only_the_comments_on_the_page_are_read(national, django_assert_max_num_queries):
    """The second page reads Kent's group alone: a query for each group on the page."""
    with django_assert_max_num_queries(40) as reading:
        national.get(RESULTS, {"comments_page": 2})
    column = '"surveys_response"."free_text"'
    comment_reads = [q["sql"] for q in reading.captured_queries if column in q["sql"]]
    assert len(comment_reads) == 1
    assert "LIMIT 60 OFFSET 170" in comment_reads[0]


def test_a_response_in_a_month_not_yet_published_changes_no_page(national):
    before = _pages(national)
    add_responses(5, months=[date.today().replace(day=1)], free_text="New comment {number}.")
    assert _pages(national) == before


def test_groups_that_fill_a_page_exactly_make_one_page(national_analyst):
    _comments(FREE_TEXT_PAGE - ESSEX, ESSEX)
    html = national_analyst.get(RESULTS).content.decode()
    comments = national_analyst.get(RESULTS).context["comments"]
    assert [len(group.texts) for group in comments.groups] == [ESSEX, FREE_TEXT_PAGE - ESSEX]
    assert not any(group.goes_on for group in comments.groups)
    assert "Comments 1 to 200 of 200." in html
    assert "of this group’s" not in html
    assert 'class="comment-pages"' not in html


def test_a_group_that_ends_a_page_starts_nothing_on_the_next(national_analyst):
    _comments(FREE_TEXT_PAGE + 10, ESSEX)  # Essex 30, then Kent 170 and 40
    first, second = _pages(national_analyst)
    assert [len(texts) for _label, texts in first] == [ESSEX, FREE_TEXT_PAGE - ESSEX]
    assert [len(texts) for _label, texts in second] == [FREE_TEXT_PAGE + 10 - 170]


def test_comments_deleted_by_hand_after_publication_leave_no_empty_group(national):
    """A group's size comes from the published tally; should its rows ever be fewer,
    a page shows what there is, never an empty group or a "201 to 200"."""
    kept = _in_id_order("kent")[:150]
    SurveyResponse.objects.filter(force_id="kent").exclude(free_text__in=kept).delete()
    page = national.get(RESULTS, {"comments_page": 2})
    assert page.status_code == 200
    assert page.context["comments"].groups == []
    assert "201 to 200" not in page.content.decode()
    first = national.get(RESULTS).context["comments"].groups
    assert [len(group.texts) for group in first] == [ESSEX, 150]


def test_the_audit_entry_says_which_page_of_comments_was_read(national):
    national.get(RESULTS, {"comments_page": 99})
    national.get(RESULTS, {"force": "kent", "period": f"{QUARTER_MONTHS[0]:%Y-%m}"})
    with_comments, without = AuditEntry.objects.order_by("at")[:2]
    assert with_comments.action == AuditEntry.Action.VIEW_RESULTS_AND_FREE_TEXT
    assert with_comments.filters["comments_page"] == 2  # the page shown, not the one asked
    assert without.action == AuditEntry.Action.VIEW_RESULTS
    assert "comments_page" not in without.filters


@pytest.mark.parametrize("export", ["admin:results_csv", "admin:responses_csv"])
def test_the_downloads_take_no_page_of_comments(national, django_user_model, export):
    user = django_user_model.objects.get(username="national-analyst")
    user.user_permissions.add(Permission.objects.get(codename="export_responses"))
    page = national.get(reverse(export), {"comments_page": "2"})
    assert page.status_code == 400
    assert "is not a filter of these pages" in page.content.decode()


def test_many_pages_are_linked_with_the_middle_left_out(national_analyst):
    _comments(14 * FREE_TEXT_PAGE - ESSEX, ESSEX)  # fourteen pages
    html = national_analyst.get(RESULTS, {"comments_page": 7}).content.decode()
    pages = re.search(r'<nav class="comment-pages"[^>]*>(.*?)</nav>', html, re.S).group(1)
    items = re.findall(r"<li>(.*?)</li>", pages, re.S)
    shown = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    middle = ["4", "5", "6", "7", "8", "9", "10"]  # three either side of page 7
    assert shown == ["Previous page", "1", "…", *middle, "…", "14", "Next page"]
    assert [item for item in items if "<a" not in item] == ["…", "…"]  # gaps are not links
    assert 'comments_page=7#comments" aria-current="page"' in pages
