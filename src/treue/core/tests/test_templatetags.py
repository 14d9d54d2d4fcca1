from django.core.paginator import Paginator
from django.utils import translation

from treue.core.templatetags.treue import pagination


def test_pagination_of_a_single_page_is_empty() -> None:
    assert pagination(Paginator(range(5), 10).page(1)) == ""


def test_pagination_in_the_middle_links_all_four_ways_with_htmx_and_escaped_query() -> None:
    page = Paginator(range(30), 10).page(2)

    with translation.override("de"):
        html = pagination(page, "owner=3&q=a<b", target="#customer-table", push=True)

    assert html == (
        '<nav class="pagination" aria-label="Seiten">\n'
        '  <a href="?owner=3&amp;q=a&lt;b&amp;page=1" hx-get="?owner=3&amp;q=a&lt;b&amp;page=1"'
        ' hx-target="#customer-table" hx-push-url="true">« erste</a>\n'
        '  <a href="?owner=3&amp;q=a&lt;b&amp;page=1" hx-get="?owner=3&amp;q=a&lt;b&amp;page=1"'
        ' hx-target="#customer-table" hx-push-url="true" rel="prev">‹ vorherige</a>\n'
        "  <span>Seite 2 von 3</span>\n"
        '  <a href="?owner=3&amp;q=a&lt;b&amp;page=3" hx-get="?owner=3&amp;q=a&lt;b&amp;page=3"'
        ' hx-target="#customer-table" hx-push-url="true" rel="next">nächste ›</a>\n'
        '  <a href="?owner=3&amp;q=a&lt;b&amp;page=3" hx-get="?owner=3&amp;q=a&lt;b&amp;page=3"'
        ' hx-target="#customer-table" hx-push-url="true">letzte »</a>\n'
        "</nav>"
    )


def test_pagination_on_the_first_page_without_target_in_english() -> None:
    page = Paginator(range(12_000), 10).page(1)

    with translation.override("en"):
        html = pagination(page)

    assert html == (
        '<nav class="pagination" aria-label="Pages">\n'
        "  <span>Page 1 of 1,200</span>\n"
        '  <a href="?page=2" rel="next">next ›</a>\n'
        '  <a href="?page=1200">last »</a>\n'
        "</nav>"
    )
