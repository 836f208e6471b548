"""Helpers for the HTTP endpoint's tests: plain HTTP requests and raw socket exchanges."""

from __future__ import annotations

import http.client
import json
import socket
from typing import Any
from urllib.parse import urlsplit


class Response:
    """One HTTP response: status, headers (lowercase names) and body, decoded if JSON."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    def json(self) -> Any:
        return json.loads(self.body)

    def __repr__(self) -> str:
        return f"Response({self.status}, {self.headers!r}, {self.body[:300]!r})"


def request(
    endpoint_url: str,
    method: str,
    path: str,
    body: bytes | str | dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """One request on a new connection; a dict body is sent as JSON."""
    if isinstance(body, dict):
        body = json.dumps(body)
    connection = connect(endpoint_url)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return read(connection)
    finally:
        connection.close()


def connect(endpoint_url: str, timeout: float = 10) -> http.client.HTTPConnection:
    parts = urlsplit(endpoint_url)
    assert parts.hostname is not None
    assert parts.port is not None
    return http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)


def read(connection: http.client.HTTPConnection) -> Response:
    response = connection.getresponse()
    headers = {name.lower(): value for name, value in response.getheaders()}
    return Response(response.status, headers, response.read())


def raw_socket(endpoint_url: str, timeout: float = 10) -> socket.socket:
    parts = urlsplit(endpoint_url)
    assert parts.hostname is not None
    assert parts.port is not None
    return socket.create_connection((parts.hostname, parts.port), timeout=timeout)


def raw_exchange(endpoint_url: str, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data`` as it is and read until the server closes the connection."""
    with raw_socket(endpoint_url, timeout) as sock:
        sock.sendall(data)
        return read_until_closed(sock)


def read_until_closed(sock: socket.socket) -> bytes:
    received = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received
        if not chunk:
            return received
        received += chunk


def parse_raw(data: bytes) -> Response:
    """The first response in ``data``: status line, headers and a Content-Length body."""
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", len(rest)))
    return Response(int(status_line.split()[1]), headers, rest[:length])
