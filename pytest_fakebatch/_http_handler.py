"""The HTTP endpoint's request handler: reading a request, routing it, writing the answer.

Everything HTTP about a request is here (keep-alive, ``Content-Length`` and chunked bodies, the
body limit, ``Expect: 100-continue``, clients that hang up or stall, JSON error pages instead of
``http.server``'s HTML ones); what a Batch request gets is ``FakeBatchServer.answer``'s, and what a
control request gets is ``_control``'s.
"""

from __future__ import annotations

import json
import traceback
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from . import _control
from ._http_routes import route_table

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ._server import ThreadedServer


class RequestHandler(BaseHTTPRequestHandler):
    """One connection: its requests read, routed and answered in turn (keep-alive)."""

    protocol_version = "HTTP/1.1"  # keep-alive: SDKs reuse their connections
    disable_nagle_algorithm = True
    server: ThreadedServer

    def setup(self) -> None:
        # StreamRequestHandler.setup sets the instance's timeout on the socket.
        self.timeout = self.server.owner.timeout  # type: ignore[misc]
        super().setup()

    def _dispatch(self) -> None:
        owner = self.server.owner
        target = self.path
        if not target.startswith("/"):  # absolute form (through a proxy): keep path and query
            parts = urlsplit(target)
            target = parts.path + (f"?{parts.query}" if parts.query else "")
        path, _, query = target.partition("?")
        body = self._read_body()
        if body is None:
            return
        if path.startswith(_control.PREFIX):
            self._control(path, query, body)
            return
        match = route_table().match(self.command, path)
        if match.operation is not None:
            reply = owner.answer(match.operation, target, body, self.headers.get("Authorization"))
            self._send(reply.status, reply.headers, reply.wire_body())
            return
        if match.allowed:
            message = f"{path} takes {' or '.join(match.allowed)}, not {self.command}"
            reply = owner.error("MethodNotAllowed", message, HTTPStatus.METHOD_NOT_ALLOWED)
            headers = {**reply.headers, "allow": ", ".join(match.allowed)}
            self._send(reply.status, headers, reply.wire_body())
            return
        message = (
            f"pytest-fakebatch: no AWS Batch operation at {self.command} {path}. Batch's API is "
            f"REST-JSON (POST /v1/listjobs, ...); the control API is under {_control.PREFIX}."
        )
        reply = owner.error("UnknownOperationException", message, HTTPStatus.NOT_FOUND)
        self._send(reply.status, reply.headers, reply.wire_body())

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _dispatch

    def _control(self, path: str, query: str, body: bytes) -> None:
        owner = self.server.owner
        try:
            status, answer = 200, _control.handle(owner.fake, self.command, path, query, body)
        except _control.ControlError as refused:
            status, answer = refused.status, {"message": refused.message}
        except Exception as crashed:
            owner.failed(traceback.format_exc())
            status, answer = 500, {"message": f"pytest-fakebatch failed: {crashed!r}"}
        encoded = json.dumps(answer, default=str).encode()
        self._send(status, {"content-type": "application/json"}, encoded)

    # Reading

    def _read_body(self) -> bytes | None:
        """The request's body, or None when the connection is to be closed (a reply, if one is
        due, has been sent): a client that hung up or stalled, a body too large or malformed."""
        try:
            encoding = self.headers.get("Transfer-Encoding")
            if encoding is not None:
                if encoding.strip().lower() != "chunked":
                    self._refuse(
                        HTTPStatus.NOT_IMPLEMENTED,
                        f"Transfer-Encoding {encoding!r} is not supported",
                    )
                    return None
                return self._read_chunked()
            length = self.headers.get("Content-Length")
            if length is None:
                return b""
            length = length.strip()
            if not length.isdigit() or len(length) > 18:
                self._refuse(
                    HTTPStatus.BAD_REQUEST,
                    f"Content-Length must be a number of bytes, not {length!r}",
                )
                return None
            size = int(length)
            if size > self.server.owner.max_body:
                self._too_large()
                return None
            body = self.rfile.read(size)
        except OSError:  # the client hung up, or stalled past the timeout
            self.close_connection = True
            return None
        if len(body) < size:
            self.close_connection = True  # the client hung up mid-body: nothing to answer
            return None
        return body

    def _read_chunked(self) -> bytes | None:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                if len(line) >= 1024:
                    self._refuse(HTTPStatus.BAD_REQUEST, "a chunk size line is too long")
                else:
                    self.close_connection = True  # hung up
                return None
            size_text = line.split(b";", 1)[0].strip()
            try:
                size = int(size_text, 16) if len(size_text) <= 16 else -1
            except ValueError:
                size = -1
            if size < 0:
                self._refuse(HTTPStatus.BAD_REQUEST, f"bad chunk size {size_text!r}")
                return None
            if size == 0:
                break
            total += size
            if total > self.server.owner.max_body:
                self._too_large()
                return None
            chunk = self.rfile.read(size)
            if len(chunk) < size or not self.rfile.readline(3).endswith(b"\n"):
                self.close_connection = True
                return None
            chunks.append(chunk)
        while True:  # trailer fields, up to the blank line
            line = self.rfile.readline(1024)
            if not line.endswith(b"\n"):
                self.close_connection = True
                return None
            if not line.strip():
                return b"".join(chunks)

    def handle_expect_100(self) -> bool:
        # "Expect: 100-continue": refuse a body over the limit before the client sends it.
        length = (self.headers.get("Content-Length") or "").strip()
        if length.isdigit() and len(length) <= 18 and int(length) > self.server.owner.max_body:
            self._too_large()
            return False
        return super().handle_expect_100()

    def _too_large(self) -> None:
        limit = self.server.owner.max_body
        self._refuse(
            HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
            f"the request body is larger than this server's limit of {limit} bytes",
        )

    def _refuse(self, status: int, message: str) -> None:
        """An HTTP-level error; the connection closes after it (the rest of the request is not read)."""
        self.close_connection = True
        reply = self.server.owner.error(HTTPStatus(status).phrase.replace(" ", ""), message, status)
        self._send(reply.status, reply.headers, reply.wire_body())

    # Writing

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # http.server's own errors (malformed request line, headers too long, unknown method):
        # a JSON body, as every other answer, instead of an HTML page.
        self.close_connection = True
        text = message or HTTPStatus(code).phrase
        body = json.dumps({"message": f"pytest-fakebatch: {text}"}).encode()
        self._send(code, {"content-type": "application/json"}, body)

    def _send(self, status: int, headers: Mapping[str, str], body: bytes) -> None:
        # One write for the status line, headers and body: with Nagle's algorithm off, separate
        # small writes would each become a packet.
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = ""
        lines = [f"HTTP/1.1 {status} {phrase}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"content-length: {len(body)}")
        if self.close_connection:
            lines.append("connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            self.wfile.write(head if self.command == "HEAD" else head + body)
        except OSError:  # the client hung up before its answer
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass  # no access log on stderr: pytest would show it with every test's output
