"""Pages of a list, numbered from 1, as a web page lists search results."""


def page_count(total, per_page):
    """How many pages `total` items fill, `per_page` to a page (the last one may be short)."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return (total + per_page - 1) // per_page


def page(items, number, per_page):
    """The items on page `number` (from 1); an empty list past the last page."""
    if number < 1:
        raise ValueError("pages are numbered from 1")
    start = number * per_page
    return items[start:start + per_page]
