"""The HTTP endpoint: a FakeBatch served on a real socket, for clients in other processes.

An adapter over ``FakeBatch.serve``, the entry point the in-process wire path uses: a request's
method and path name the operation (``_http_routes``, from botocore's model), its body and URL go to
``serve`` as they are, and the ``Reply`` it returns is written with the bytes the wire path hands
botocore (status, headers, JSON body). No operation is implemented here. ``/_fakebatch/...`` is the
control API (``_control``); reading and writing HTTP is ``_http_handler``'s.

The server is the standard library's ``ThreadingHTTPServer``, chosen over a WSGI server because
it adds no dependency (the plugin's are pytest, botocore and attrs), binds and starts in well under
a millisecond, so a fixture can start one per test, and gives each connection a thread, which is
the model the fake already supports (the store's lock makes each operation atomic). Its own serving
loop is replaced by one that a stop wakes at once (``serve_forever`` notices a stop only at its
next poll), and its HTML error pages by JSON ones.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import re
import selectors
import socket
import socketserver
import sys
import threading
import traceback
import uuid
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, Final

from . import _seeding
from ._errors import ServiceError
from ._http_handler import RequestHandler
from ._render import Reply
from .exceptions import UnsupportedOperationError

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import TracebackType

    from ._fake import FakeBatch

#: The largest request body read, in bytes: 1 MiB, far above any Batch request (a job definition's
#: container properties are the largest), and small enough that a runaway client cannot fill memory.
MAX_BODY: Final = 1024 * 1024
#: Seconds a connection may sit idle, or a request take to arrive, before the server closes it.
IDLE_TIMEOUT: Final = 60.0

# The region of a SigV4 signature: Credential=<key id>/<yyyymmdd>/<region>/<service>/aws4_request.
_CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,]*/\d{8}/([^/,]*)/")
_JSON_PARSING = "An error occurred during JSON parsing"


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (127.0.0.0/8, ::1) or ``localhost``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class FakeBatchServer:
    """A FakeBatch answering AWS Batch's REST-JSON API over HTTP, in a thread of this process.

    ``with FakeBatchServer(fake) as server:`` binds ``host`` (loopback by default) on ``port`` (0:
    a free port the OS chooses) and serves ``fake`` until the block ends. Clients in any language
    reach it at ``endpoint_url``; ``env`` is the environment a child process needs for an AWS
    SDK or the AWS CLI to use it. Requests may be signed with any SigV4 key, or not signed; the
    region comes from the signature's credential scope, else the fake's region. There is no
    authentication: anyone who can connect can read and change the fake.

    ``max_body`` bounds a request body (larger ones get HTTP 413); ``timeout`` closes a connection
    that stays idle, or sends its request too slowly, for that many seconds.
    """

    def __init__(
        self,
        fake: FakeBatch,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_body: int = MAX_BODY,
        timeout: float = IDLE_TIMEOUT,
        log: Callable[[str], None] | None = None,
    ) -> None:
        if not isinstance(host, str) or not host:
            raise TypeError(f"host must be a host name or IP address, not {host!r}")
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"port must be a whole number from 0 to 65535, not {port!r}")
        if isinstance(max_body, bool) or not isinstance(max_body, int) or max_body < 1:
            raise ValueError(f"max_body must be a positive number of bytes, not {max_body!r}")
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        self.fake: Final = fake
        self.host: Final = host
        #: The port served on (the one the OS chose, once started with port 0).
        self.port = port
        self.max_body: Final = max_body
        self.timeout: Final = float(timeout)
        #: Tracebacks of failures inside the server (bugs): the fixture fails the test with them.
        self.errors: list[str] = []
        self._log = log
        self._httpd: ThreadedServer | None = None
        self._thread: threading.Thread | None = None
        self._wake: tuple[socket.socket, socket.socket] | None = None

    def __repr__(self) -> str:
        return f"FakeBatchServer({self.endpoint_url!r}, fake={self.fake!r})"

    @property
    def endpoint_url(self) -> str:
        """``http://HOST:PORT``, for an SDK's ``endpoint_url`` (the real port once started)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def env(self) -> dict[str, str]:
        """What a child process needs to send its Batch calls here: the service's endpoint,
        dummy keys (any signature is accepted) and the fake's region. Merge it into the child's
        environment: ``subprocess.run(..., env={**os.environ, **server.env})``."""
        from ._routing import DUMMY_CREDENTIALS

        return {
            "AWS_ENDPOINT_URL_BATCH": self.endpoint_url,
            **DUMMY_CREDENTIALS,
            "AWS_DEFAULT_REGION": self.fake.region,
            "AWS_REGION": self.fake.region,
        }

    @property
    def running(self) -> bool:
        return self._thread is not None

    # Starting and stopping

    def start(self) -> FakeBatchServer:
        """Bind and start serving in a daemon thread; returns at once, ready for requests."""
        if self._thread is not None:
            raise RuntimeError(f"{self!r} is already running")
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        httpd = ThreadedServer((self.host, self.port), self, family)
        self.port = httpd.server_address[1]
        self._wake = socket.socketpair()
        self._httpd = httpd
        self._thread = threading.Thread(
            target=self._serve, args=(httpd, self._wake[0]), name=repr(self), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close every open connection and free the port. A request being
        answered at that moment is answered by the fake, but its client may not get the reply."""
        thread, httpd, wake = self._thread, self._httpd, self._wake
        if thread is None or httpd is None or wake is None:
            return
        wake[1].send(b"\0")
        thread.join()
        httpd.server_close()
        httpd.close_connections()
        for end in wake:
            end.close()
        self._thread = self._httpd = self._wake = None

    def __enter__(self) -> FakeBatchServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, httpd: ThreadedServer, wake: socket.socket) -> None:
        # socketserver's serve_forever notices a stop only at its next poll (half a second by
        # default): this loop also waits on the wake-up socket, so stopping takes no time.
        httpd.timeout = 0  # handle_request: accept the connection that is ready, do not wait
        with selectors.DefaultSelector() as selector:
            selector.register(httpd, selectors.EVENT_READ)
            selector.register(wake, selectors.EVENT_READ)
            while True:
                for key, _ in selector.select():
                    if key.fileobj is wake:
                        return
                try:
                    httpd.handle_request()
                except Exception:
                    self.failed(traceback.format_exc())

    # Answering

    def answer(self, operation: str, target: str, body: bytes, authorization: str | None) -> Reply:
        """The reply to one Batch request: ``target`` is its path and query string."""
        fake = self.fake
        region = fake.region
        scope = _CREDENTIAL_SCOPE.search(authorization) if authorization else None
        if scope is not None:
            region = scope[1]
            if not _seeding.REGION.match(region):
                return self.error(
                    "InvalidSignatureException",
                    f"Credential should be scoped to a valid region, not {region!r}.",
                    HTTPStatus.FORBIDDEN,
                )
        if not body.strip():
            body = b""  # no members, as an empty body (chosen): serve decodes only JSON
        elif not _is_json_object(body):
            # Observed: Batch answers a body it cannot parse with this ClientException, without
            # the usual "Error executing request" envelope (JuliaCloud/AWS.jl#313).
            return self.error("ClientException", _JSON_PARSING, HTTPStatus.BAD_REQUEST)
        try:
            return fake.serve(operation, region, body, target)
        except UnsupportedOperationError as unsupported:
            # Logged by the fake as in-process, so the fixture fails the test at teardown.
            self.note(f"unsupported operation {operation}")
            return self.error("UnsupportedOperation", str(unsupported), HTTPStatus.NOT_IMPLEMENTED)
        except Exception as crashed:
            self.failed(traceback.format_exc())
            return self.error(
                "ServerException",
                f"pytest-fakebatch failed while answering {operation}: {crashed!r}. "
                "This is a bug in pytest-fakebatch; the traceback is in the server's output.",
                HTTPStatus.INTERNAL_SERVER_ERROR,
            )

    def error(self, code: str, message: str, status: int) -> Reply:
        """An error reply in the wire path's shape, for a request that never reached the fake."""
        failure = ServiceError(code, message, status, envelope=False)
        return Reply.error(failure, str(uuid.uuid4()), self.fake.clock.now_ms())

    def failed(self, formatted_traceback: str) -> None:
        self.errors.append(formatted_traceback)
        self.note(f"internal error:\n{formatted_traceback}")

    def note(self, message: str) -> None:
        if self._log is not None:
            self._log(message)


def _is_json_object(body: bytes) -> bool:
    try:
        # UTF-8 only, as FakeBatch.serve decodes it (json.loads would also take UTF-16 and -32).
        decoded = json.loads(body.decode(), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # UnicodeDecodeError and JSONDecodeError included
        return False
    return isinstance(decoded, dict)


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN and Infinity: Python's json takes them


class ThreadedServer(ThreadingHTTPServer):
    """``ThreadingHTTPServer`` that keeps its connections, to close them when it stops."""

    daemon_threads = True
    # Many clients may connect at once (a worker pool, a load test): a deeper backlog than
    # socketserver's 5 keeps their connections from being refused or delayed by SYN retries.
    request_queue_size = 128

    def __init__(
        self, address: tuple[str, int], owner: FakeBatchServer, family: socket.AddressFamily
    ) -> None:
        self.address_family = family
        self.owner = owner
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind also looks the host's name up (socket.getfqdn), which can wait
        # on DNS for seconds; the server never uses that name.
        socketserver.TCPServer.server_bind(self)
        self.server_name = self.owner.host
        self.server_port = self.server_address[1]

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._connections_lock:
            self._connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._connections_lock:
            self._connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Wake every connection's thread (it then closes the connection and ends)."""
        with self._connections_lock:
            connections = list(self._connections)
        for connection in connections:
            with contextlib.suppress(OSError):  # closed by its client meanwhile
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up or stalls ends its own connection, nothing more; anything else
        # is a bug, reported by the fixture.
        if not isinstance(sys.exc_info()[1], OSError):
            self.owner.failed(traceback.format_exc())
