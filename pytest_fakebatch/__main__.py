"""``python -m pytest_fakebatch serve`` (also the ``pytest-fakebatch`` command): a standalone fake.

Serves one FakeBatch over HTTP until SIGINT or SIGTERM, for docker-compose stacks and suites in
other languages. The first line of output is the endpoint's URL, so a script can read it (with
``--port 0``, the port the OS chose).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Sequence

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 4566


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    return serve(parser, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pytest-fakebatch",
        description="pytest-fakebatch's fake AWS Batch, outside pytest.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="serve a fake AWS Batch over HTTP until interrupted",
        description=(
            "Serve a fake AWS Batch (REST-JSON, any SigV4 signature or none) and its control API "
            "under /_fakebatch/ over HTTP until SIGINT or SIGTERM. The first line printed is the "
            "endpoint's URL. There is no authentication: anyone who can connect can read and "
            "change the fake."
        ),
    )
    serve.add_argument(
        "--host",
        default=None,
        help=f"address to bind (default {DEFAULT_HOST}; anything but a loopback address exposes "
        "the unauthenticated fake to other machines, and prints a warning)",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0: any free port)",
    )
    serve.add_argument("--region", default="us-east-1", help="the fake's default region")
    serve.add_argument("--account-id", default="123456789012", help="the account in every ARN")
    serve.add_argument("--seed", type=int, default=None, help="seed for generated ids and names")
    serve.add_argument(
        "--autorun",
        type=_autorun,
        default=None,
        metavar="poll|SECONDS",
        help="move jobs on their own: one step per read call (poll), or one step per SECONDS",
    )
    return parser


def _autorun(value: str) -> str | float:
    if value == "poll":
        return value
    try:
        return float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected 'poll' or a number of seconds, not {value!r}"
        ) from None


def serve(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    from ._fake import FakeBatch
    from ._server import FakeBatchServer, is_loopback

    options: dict[str, Any] = {
        "region": args.region,
        "account_id": args.account_id,
        "seed": args.seed,
    }
    if args.autorun is not None:
        options["autorun"] = args.autorun
    try:
        fake = FakeBatch(**options)
    except (TypeError, ValueError) as refused:
        parser.error(str(refused))
    host = DEFAULT_HOST if args.host is None else args.host
    try:
        server = FakeBatchServer(fake, host=host, port=args.port, log=_log)
    except (TypeError, ValueError) as refused:
        parser.error(str(refused))
    if not is_loopback(host):
        _log(
            f"warning: serving on {host}, not a loopback address: the fake has no "
            "authentication, so any machine that can reach this one can read and change it"
        )
    stop = threading.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signal_number, lambda *_: stop.set())
    try:
        server.start()
    except OSError as failed:
        _log(f"cannot serve on {host} port {args.port}: {failed.strerror or failed}")
        return 1
    print(server.endpoint_url, flush=True)
    print(
        f"pytest-fakebatch: AWS Batch in {fake.region} for account {fake.account_id}, seed "
        f"{fake.seed}; control API at {server.endpoint_url}/_fakebatch/; stop with Ctrl-C or "
        "SIGTERM",
        flush=True,
    )
    stop.wait()
    server.stop()
    print("pytest-fakebatch: stopped", flush=True)
    return 0


def _log(message: str) -> None:
    print(f"pytest-fakebatch: {message}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())
