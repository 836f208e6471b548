"""Request members that travel in the URL: the path's labels and the query string.

Batch's REST-JSON operations put their members in the JSON body, except the tagging operations,
which name the resource in the path (``/v1/tags/{resourceArn}``) and, for UntagResource, the keys
in the query string (``?tagKeys=a&tagKeys=b``). The service reads them from the URL as it received
it; so does the fake, from the URL botocore built (both paths have it), with the routes below.
They copy botocore's service model (``http.requestUri`` and each member's ``location``), and a
test checks that they still agree with it for every Batch operation.

No botocore here: the fake decodes what it received, as a server would.
"""

from __future__ import annotations

import re
from typing import Any, Final, NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit


class Route(NamedTuple):
    """Where an operation's URL members are: the path template, and the query string's members
    (wire name -> (member name, whether it is a list))."""

    request_uri: str
    query: dict[str, tuple[str, bool]]


ROUTES: Final[dict[str, Route]] = {
    "ListTagsForResource": Route("/v1/tags/{resourceArn}", {}),
    "TagResource": Route("/v1/tags/{resourceArn}", {}),
    "UntagResource": Route("/v1/tags/{resourceArn}", {"tagKeys": ("tagKeys", True)}),
}


def _path_pattern(request_uri: str) -> re.Pattern[str]:
    # A label matches one path segment ({name}) or the rest of the path ({name+}); the endpoint
    # URL may have a path of its own before the template (a custom endpoint_url).
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", request_uri):
        pattern += re.escape(literal)
        if label.endswith("+"):
            pattern += f"(?P<{label[:-1]}>.+)"
        elif label:
            pattern += f"(?P<{label}>[^/]+)"
    return re.compile(f"{pattern}$")


_PATTERNS: Final = {
    operation: _path_pattern(route.request_uri) for operation, route in ROUTES.items()
}


def url_members(operation: str, url: str) -> dict[str, Any]:
    """The members of ``operation`` that ``url`` carries, decoded (percent-escapes undone).

    A URL that does not match the operation's template carries none: the handler then finds the
    member missing, as the service would find no such resource.
    """
    route = ROUTES.get(operation)
    if route is None or not url:
        return {}
    parts = urlsplit(url)
    members: dict[str, Any] = {}
    match = _PATTERNS[operation].search(parts.path)
    if match is not None:
        members.update({name: unquote(value) for name, value in match.groupdict().items()})
    query = parse_qs(parts.query, keep_blank_values=True)
    for wire_name, (member, is_list) in route.query.items():
        values = query.get(wire_name)
        if values is not None:
            members[member] = values if is_list else values[-1]
    return members
