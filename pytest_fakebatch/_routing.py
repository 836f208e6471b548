"""The bridge between botocore and the fake. The only module that touches botocore's internals.

Importing this module does not import botocore: ``install()`` adds the handlers to
``botocore.handlers.BUILTIN_HANDLERS`` the moment botocore's handlers module is first imported (a
post-import hook, ``_after_import``), or at once if it is loaded already. Every botocore session
made afterwards (boto3's default session, ``boto3.Session()``, ``botocore.session.get_session()``,
the AWS CLI, aiobotocore's) carries them; a session cannot exist before that module runs. They do
nothing unless a FakeBatch is active:

- ``before-call.batch`` (fast path): answers with the response botocore would have parsed, no HTTP;
- ``before-send.batch`` (wire path: ``FakeBatch(wire=True)``, and any call that may meet an
  injected fault or the rate limit): answers with an HTTP response that botocore parses, retries
  and raises from as it would one from AWS (an AioAWSResponse for aiobotocore clients);
- ``choose-signer.batch``: turns signing off, so no credentials of any kind sign a Batch request;
- ``creating-client-class.batch``: gives every Batch client a base class that hands its endpoint's
  ``before-send`` to the fake alone while one is active, so no other ``before-send`` handler
  (moto's, for one) sees a request the fake answers.

While a fake is active this module also sets dummy credentials in the environment, and gives Batch
clients created meanwhile (botocore's, and aiobotocore's if it is loaded) dummy keys, so that no credential provider (a profile's
``credential_process``, SSO, a container or instance metadata endpoint) runs for them, and the
fake's region where no region is configured.
"""

from __future__ import annotations

import atexit
import functools
import inspect
import os
import sys
import threading
from typing import TYPE_CHECKING, Any

from . import _after_import, _block

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import ModuleType

    from botocore.awsrequest import AWSPreparedRequest, AWSResponse
    from botocore.model import OperationModel

    from ._fake import FakeBatch
    from ._render import Reply

# Tags a wire-path request with the calling client's region on its way from before-call to
# before-send, which sees only the prepared HTTP request (the tag never leaves the process).
REGION_HEADER = "x-pytest-fakebatch-region"
ASYNC_HEADER = "x-pytest-fakebatch-async"

DUMMY_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "FAKEBATCHTESTINGKEY0",
    "AWS_SECRET_ACCESS_KEY": "pytest-fakebatch-dummy-secret-access-key",
}
#: The environment while a fake is active: a value to set, or None to remove the variable. Removed:
#: a session token to pair with the dummy key, and the container and web-identity providers
#: (network). AWS_PROFILE stays: Batch clients get explicit dummy keys anyway, and the profile may
#: choose the region.
ENVIRONMENT: dict[str, str | None] = {
    **DUMMY_CREDENTIALS,
    "AWS_EC2_METADATA_DISABLED": "true",
    **dict.fromkeys(
        (
            "AWS_SESSION_TOKEN",
            "AWS_SECURITY_TOKEN",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_ROLE_ARN",
            "AWS_ROLE_SESSION_NAME",
        )
    ),
}

_stack: list[FakeBatch] = []
_stack_lock = threading.Lock()
_saved_environments: list[dict[str, str | None]] = []


def active_fake() -> FakeBatch | None:
    """The fake answering Batch calls now: the innermost active one, process-wide."""
    stack = _stack
    return stack[-1] if stack else None


def activate(fake: FakeBatch) -> None:
    # A fake in use needs botocore: import it now (installing the handlers, if the hook has not).
    import botocore.session  # noqa: F401

    if not _installed:
        _install_handlers(sys.modules["botocore.handlers"])  # a loader the hook could not wrap
    with _stack_lock:
        if fake in _stack:
            raise RuntimeError(f"{fake!r} is already active")
        if not _stack:
            _patch_create_client()
        _stack.append(fake)
        _saved_environments.append(_set_environment())


def deactivate(fake: FakeBatch) -> None:
    """Deactivate ``fake``, and any fake still active inside it (then raise, naming those)."""
    with _stack_lock:
        if fake not in _stack:
            raise RuntimeError(f"{fake!r} is not active")
        leaked = []
        while True:
            top = _stack.pop()
            _restore_environment(_saved_environments.pop())
            if top is fake:
                break
            leaked.append(top)
        if not _stack:
            _unpatch_create_client()
    if leaked:
        raise RuntimeError(
            f"{fake!r} ended while fakes entered inside it were still active: "
            f"{', '.join(map(repr, leaked))}; they have been deactivated too. "
            "Use `with FakeBatch(...) as fake:` so each one ends."
        )


# Environment


def _set_environment() -> dict[str, str | None]:
    environ = os.environ
    saved = {name: environ.get(name, None) for name in ENVIRONMENT}
    _apply(ENVIRONMENT, saved)
    return saved


def _restore_environment(saved: dict[str, str | None]) -> None:
    _apply(saved, {name: os.environ.get(name) for name in saved})


def _apply(wanted: dict[str, str | None], current: dict[str, str | None]) -> None:
    # Only what differs: the fixture has set most of it already (through its monkeypatch), and
    # each change of os.environ is a putenv or unsetenv call.
    environ = os.environ
    for name, value in wanted.items():
        if current[name] == value:
            continue
        if value is None:
            del environ[name]
        else:
            environ[name] = value


# Event handlers


def _on_before_call(
    model: OperationModel,
    params: dict[str, Any],
    context: dict[str, Any],
    request_signer: object = None,
    **_: Any,
) -> tuple[AWSResponse, dict[str, Any]] | None:
    fake = active_fake()
    if fake is None:
        # fake_batch_block: refuse rather than let it reach AWS (a loopback endpoint cannot).
        _block.check(model.name, params["url"])
        return None
    # botocore puts the client's region in the request context (BaseClient._make_api_call).
    region = context.get("client_region") or fake.region
    if fake.answers_on_the_wire(model.name):
        params["headers"][REGION_HEADER] = region
        if type(request_signer).__module__.startswith("aiobotocore"):
            # An aiobotocore client awaits the response body: before-send must answer in kind.
            params["headers"][ASYNC_HEADER] = "1"
        return None
    # The URL botocore built carries the members of the tagging operations (path, query string).
    reply = fake.serve(model.name, region, params.get("body"), params["url"])
    # botocore unpacks (http_response, parsed) from a before-call answer and skips the HTTP layer.
    return _http_response(params["url"], reply), reply.parsed()


def _on_before_send(request: AWSPreparedRequest, event_name: str, **_: Any) -> AWSResponse | None:
    fake = active_fake()
    if fake is None:
        return None
    operation = event_name.rsplit(".", 1)[-1]  # before-send.batch.<Operation>
    region = request.headers.get(REGION_HEADER) or fake.region
    if isinstance(region, bytes):
        region = region.decode()
    body = request.body
    if body is not None and not isinstance(body, (bytes, str)):
        body = bytes(body) if isinstance(body, bytearray) else body.read()  # never for Batch's JSON
    reply = fake.serve(operation, region, body, request.url)
    if request.headers.get(ASYNC_HEADER):
        # aiobotocore awaits AioAWSResponse.content; the async client is loaded already.
        from aiobotocore.awsrequest import (  # type: ignore[import-untyped,import-not-found,unused-ignore]
            AioAWSResponse,
        )

        return _http_response(request.url, reply, AioAWSResponse)
    return _http_response(request.url, reply)


def _http_response(
    url: str, reply: Reply, response_class: type[AWSResponse] | None = None
) -> AWSResponse:
    # AWSResponse keeps the headers in a case-insensitive HeadersDict, as it does urllib3's.
    response = response_class or _botocore.AWSResponse
    return response(url, reply.status, reply.headers, _Body(reply))  # type: ignore[arg-type]


def _on_choose_signer(**_: Any) -> object | None:
    return _botocore.UNSIGNED if active_fake() is not None else None


class _Body:
    """The ``raw`` of an AWSResponse: botocore reads the body through ``stream()``, aiobotocore
    through ``await read()``.

    Serialising waits until something reads it, so the fast path pays nothing for it.
    """

    def __init__(self, reply: Reply) -> None:
        self._reply = reply

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self._reply.wire_body()

    async def read(self) -> bytes:
        return self._reply.wire_body()


# Keeping moto and other before-send handlers out


class _EndpointEvents:
    """The event emitter of a Batch client's endpoint (its HTTP layer): while a fake is active,
    ``before-send`` goes to the fake and to botocore's own handlers (adaptive retry mode's
    client-side rate limiter) alone; every other event, and every event while no fake is active,
    goes to the client's emitter as usual.

    botocore's endpoint emits ``before-send`` to every handler and keeps the first answer, so a
    handler of another library registered after the fake's (moto's ``mock_aws`` one, on
    ``before-send``) would otherwise still run, and act on, a request the fake answered.
    """

    __slots__ = ("_events",)

    def __init__(self, events: Any) -> None:
        self._events = events

    def emit(self, event_name: str, **kwargs: Any) -> Any:
        if event_name.startswith("before-send.") and active_fake() is not None:
            kwargs["event_name"] = event_name
            return [(handler, handler(**kwargs)) for handler in self._before_send(event_name)]
        return self._events.emit(event_name, **kwargs)

    def _before_send(self, event_name: str) -> list[Callable[..., Any]]:
        """The handlers of ``event_name`` that may see a request the fake answers, in
        botocore's order (the fake's is registered first)."""
        # botocore internals: the HierarchicalEmitter behind the client's EventAliaser, its
        # cache of handlers by event name, and the trie it fills that cache from.
        emitter = getattr(self._events, "_emitter", self._events)
        handlers = emitter._lookup_cache.get(event_name)
        if handlers is None:
            handlers = emitter._handlers.prefix_search(event_name)
        return [
            handler for handler in handlers if handler is _on_before_send or _from_botocore(handler)
        ] or [_on_before_send]

    def __getattr__(self, name: str) -> Any:
        return getattr(self._events, name)


class _AsyncEndpointEvents(_EndpointEvents):
    """The same for aiobotocore, whose endpoint awaits ``emit`` (and handlers may be async)."""

    __slots__ = ()

    async def emit(self, event_name: str, **kwargs: Any) -> Any:
        if event_name.startswith("before-send.") and active_fake() is not None:
            kwargs["event_name"] = event_name
            responses = []
            for handler in self._before_send(event_name):
                response = handler(**kwargs)
                if inspect.isawaitable(response):
                    response = await response
                responses.append((handler, response))
            return responses
        return await self._events.emit(event_name, **kwargs)


def _from_botocore(handler: Any) -> bool:
    """Whether botocore (or aiobotocore) registered this handler: the client's own behaviour, as
    against AWS, rather than another library's hook."""
    module = getattr(handler, "__module__", None)  # a bound method's is its function's
    return isinstance(module, str) and module.partition(".")[0] in ("botocore", "aiobotocore")


def _isolate(client: Any) -> None:
    # botocore internals: BaseClient._endpoint, and Endpoint._event_emitter, which is what its
    # _do_get_response emits before-send on (aiobotocore's AioEndpoint likewise, awaiting it).
    endpoint: Any = getattr(client, "_endpoint", None)
    events = getattr(endpoint, "_event_emitter", None)
    if events is None or isinstance(events, _EndpointEvents):
        return
    asynchronous = type(endpoint).__module__.startswith("aiobotocore")  # AioEndpoint
    wrapper = _AsyncEndpointEvents if asynchronous else _EndpointEvents
    endpoint._event_emitter = wrapper(events)


class _BatchClient:
    """A base class every Batch client gets (``creating-client-class``): it isolates the
    client's endpoint as soon as the client exists."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # BaseClient's (aiobotocore's client keeps it)
        _isolate(self)


def _on_creating_client_class(base_classes: list[type], **_: Any) -> None:
    # botocore builds each client class from base_classes, which handlers may extend (boto3 does).
    if _BatchClient not in base_classes:
        base_classes.insert(0, _BatchClient)


# Registration


class _Botocore:
    """What the handlers use of botocore, filled in when the handlers are installed."""

    AWSResponse: type[AWSResponse]
    UNSIGNED: object


_botocore = _Botocore()
_installed = False


def _handlers(handlers: ModuleType) -> list[tuple[str, Callable[..., Any], object]]:
    # Fast path last, so a test's own handler on before-call.batch answers first (a botocore
    # Stubber does anyway: botocore calls its more specific before-call.*.* handlers first). Wire
    # path and signer first, so the fake answers before any other before-send hook; a client's
    # endpoint keeps the others from seeing it at all (_EndpointEvents).
    return [
        ("before-call.batch", _on_before_call, handlers.REGISTER_LAST),
        ("before-send.batch", _on_before_send, handlers.REGISTER_FIRST),
        ("choose-signer.batch", _on_choose_signer, handlers.REGISTER_FIRST),
        ("creating-client-class.batch", _on_creating_client_class, handlers.REGISTER_FIRST),
    ]


def attach(client: Any) -> None:
    """Add the handlers to one client made before this module was imported (a no-op otherwise)."""
    events = client.meta.events
    if client.meta.service_model.service_id.hyphenize() != "batch":
        raise ValueError(
            f"attach() takes a Batch client, not a {client.meta.service_model.service_name} client"
        )
    _isolate(client)
    # botocore has no public way to list handlers: look in the emitter behind the client's
    # EventAliaser, so a client that has them already is not given them twice.
    emitter = getattr(events, "_emitter", events)
    if _on_before_call in emitter._handlers.prefix_search("before-call.batch.ListJobs"):
        return
    _register(events)


def _register(events: Any) -> None:
    import botocore.handlers

    for event, handler, position in _handlers(botocore.handlers):
        if position is botocore.handlers.REGISTER_FIRST:
            events.register_first(event, handler)
        else:
            events.register_last(event, handler)


def install() -> None:
    """Add the handlers to every botocore session: now if botocore is loaded, else as soon as it
    is (this does not import botocore)."""
    _after_import.when_imported("botocore.handlers", _install_handlers)


def _install_handlers(handlers: ModuleType) -> None:
    """Add the handlers to every future session, and to boto3's default one if it exists.

    Runs right after ``botocore.handlers`` has run (it imported botocore.awsrequest), before any
    session can exist, or later when botocore was imported before this module.
    """
    global _installed  # noqa: PLW0603 (once per process)
    from botocore import UNSIGNED
    from botocore.awsrequest import AWSResponse

    _botocore.AWSResponse = AWSResponse
    _botocore.UNSIGNED = UNSIGNED
    builtin: list[Any] = handlers.BUILTIN_HANDLERS
    specs = _handlers(handlers)
    if specs[0] not in builtin:
        builtin.extend(specs)
    _installed = True
    boto3 = sys.modules.get("boto3")
    default_session = getattr(boto3, "DEFAULT_SESSION", None)
    if default_session is not None:
        _register(default_session._session.get_component("event_emitter"))


# Credentials and region for Batch clients created while a fake is active


def _batch_client_defaults(session: Any, fake: FakeBatch, arguments: dict[str, Any]) -> None:
    """Fill a Batch client's missing keys and region (``create_client``'s bound arguments)."""
    if arguments.get("service_name") != "batch":
        return
    if arguments.get("aws_access_key_id") is None:
        # Explicit keys make botocore skip its credential chain (Session.create_client), so no
        # profile's credential_process, SSO login or metadata endpoint runs for this client.
        arguments["aws_access_key_id"] = DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"]
        arguments["aws_secret_access_key"] = DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
        arguments["aws_session_token"] = None
    if arguments.get("region_name") is None and session.get_config_variable("region") is None:
        # Where botocore would raise NoRegionError, the client gets the fake's region; a region
        # from the environment or the profile is kept.
        arguments["region_name"] = fake.region


@functools.cache
def _wrap(original: Callable[..., Any]) -> Callable[..., Any]:
    """The wrapper of one ``create_client`` (made once: reading a signature is slow)."""
    signature = inspect.signature(original)
    if inspect.iscoroutinefunction(original):

        async def create_async_client(self: Any, *args: Any, **kwargs: Any) -> Any:
            fake = active_fake()
            if fake is None:
                return await original(self, *args, **kwargs)
            bound = signature.bind(self, *args, **kwargs)
            _batch_client_defaults(self, fake, bound.arguments)
            return await original(*bound.args, **bound.kwargs)

        return create_async_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        fake = active_fake()
        if fake is None:
            return original(self, *args, **kwargs)
        bound = signature.bind(self, *args, **kwargs)
        _batch_client_defaults(self, fake, bound.arguments)
        return original(*bound.args, **bound.kwargs)

    return create_client


_patched: list[tuple[type, str, Any]] = []


def _patch_create_client() -> None:
    # botocore's Session.create_client; aiobotocore's AioSession overrides it, and does the
    # credential work in its coroutine _create_client.
    import botocore.session

    targets: list[tuple[type, str]] = [(botocore.session.Session, "create_client")]
    aio = sys.modules.get("aiobotocore.session")
    if aio is not None:
        targets.append((aio.AioSession, "_create_client"))
    for owner, name in targets:
        original = owner.__dict__[name]
        _patched.append((owner, name, original))
        setattr(owner, name, _wrap(original))


def _unpatch_create_client() -> None:
    while _patched:
        owner, name, original = _patched.pop()
        setattr(owner, name, original)


def _at_exit() -> None:
    # A finder still waiting in sys.meta_path makes the interpreter's exit cost about 4 ms more
    # (bench/plugin_load.py): every pytest run of a project that never uses Batch paid it. It is
    # dropped only where nothing can need it: not with the block on (a call made at exit must
    # still be refused), and not once the fake's module is loaded (a fake may yet be activated,
    # and clients made before that must be answered). Loading the fake arms it again (rearm).
    if not _block.blocking() and "pytest_fakebatch._fake" not in sys.modules:
        _after_import.forget("botocore.handlers")


def rearm() -> None:
    """Arm the import hook again if it was dropped at exit and botocore is still not loaded."""
    if not _installed and not _after_import.pending("botocore.handlers"):
        install()


install()
atexit.register(_at_exit)
