"""The HTTP endpoint's route table: which Batch operation a request's method and path name.

Read from botocore's service model (each operation's ``http.method`` and ``http.requestUri``), so
the endpoint routes every operation of the installed botocore's Batch API: those the fake answers
(``_operations.OPERATIONS``) reach their handler through ``FakeBatch.serve``; the others reach it
too, and are refused and logged as unsupported there, exactly as they are in-process. Nothing in
this table needs changing when an operation is added to the fake.
"""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple


class Match(NamedTuple):
    """What a request's method and path name: the operation (None: none), and the methods the
    path takes (empty: no operation lives at this path)."""

    operation: str | None
    allowed: tuple[str, ...]


class RouteTable:
    """Operations by method and path: a dictionary for the fixed paths (all but the tagging
    operations'), patterns for the paths with labels (``/v1/tags/{resourceArn}``)."""

    def __init__(self, routes: dict[str, tuple[str, str]]) -> None:
        self._fixed: dict[str, dict[str, str]] = {}
        self._templated: list[tuple[re.Pattern[str], dict[str, str]]] = []
        by_template: dict[str, dict[str, str]] = {}
        for operation, (method, request_uri) in sorted(routes.items()):
            path = request_uri.split("?", 1)[0]  # a model's URI may carry fixed query members
            by_template.setdefault(path, {})[method] = operation
        for path, methods in by_template.items():
            if "{" in path:
                self._templated.append((_path_pattern(path), methods))
            else:
                self._fixed[path] = methods
        #: Every operation routed, by name: (method, path template).
        self.operations: Final = dict(routes)

    def match(self, method: str, path: str) -> Match:
        """The operation at ``method`` and ``path`` (the path still percent-encoded)."""
        methods = self._fixed.get(path)
        if methods is None:
            methods = next(
                (found for pattern, found in self._templated if pattern.fullmatch(path)), None
            )
            if methods is None:
                return Match(None, ())
        return Match(methods.get(method), tuple(sorted(methods)))


def _path_pattern(template: str) -> re.Pattern[str]:
    # A label is one path segment ({name}) or the rest of the path ({name+}), as in the model.
    pattern = ""
    for literal, label in re.findall(r"([^{]*)(?:\{([^}]*)\})?", template):
        pattern += re.escape(literal)
        if label:
            pattern += ".+" if label.endswith("+") else "[^/]+"
    return re.compile(pattern)


@functools.cache
def route_table() -> RouteTable:
    """The table for the installed botocore's Batch model, loaded once per process (about a
    tenth of a second, paid by the first request, not by starting a server)."""
    import botocore.session

    model = botocore.session.get_session().get_service_model("batch")
    routes = {}
    for name in model.operation_names:
        http = model.operation_model(name).http
        routes[name] = (http["method"], http["requestUri"])
    return RouteTable(routes)
