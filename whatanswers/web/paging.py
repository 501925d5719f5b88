"""Head links for a paginated page: each page is its own canonical page
(`?page=2`), with a title of its own and `<link rel="prev/next">`."""

from urllib.parse import urlencode

from whatanswers.web.absolute import absolute_url


def page_links(request, page, **params):
    """Context for a page of a listing; `params` are the query parameters
    every page keeps (the search's `q`)."""

    def url(number):
        query = {**params, **({"page": number} if number > 1 else {})}
        return absolute_url(request.path) + (f"?{urlencode(query)}" if query else "")

    return {
        "canonical_url": url(page.number),
        "page_suffix": f" (page {page.number})" if page.number > 1 else "",
        "prev_url": url(page.previous_page_number()) if page.has_previous() else "",
        "next_url": url(page.next_page_number()) if page.has_next() else "",
    }
