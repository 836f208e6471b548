"""A newer botocore's Batch model: the installed one, plus an operation the fake does not know.

The fake answers every operation in the installed botocore's Batch model, but botocore's model gains
operations as AWS adds them; code under test that calls one must get UnsupportedOperationError (or,
over HTTP, a 501), and the call must never reach AWS. The tests of that behaviour load this model
as botocore loads any model: from a directory named by ``AWS_DATA_PATH``, searched before
botocore's own data, by a session created after the variable is set. Processes started with the
variable (pytester's subprocesses, servers) see it from their first client on, as they would see
a newer botocore.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

from botocore.loaders import create_loader

if TYPE_CHECKING:
    from pathlib import Path

#: The operation botocore's model gains, as a client calls it and as the service names it.
FUTURE_METHOD = "describe_future_things"
FUTURE_OPERATION = "DescribeFutureThings"
#: Where the model routes it: POST and a path of its own, as Batch's other operations.
FUTURE_METHOD_AND_URI = ("POST", "/v1/describefuturethings")

_SHAPES: dict[str, Any] = {
    "DescribeFutureThingsRequest": {
        "type": "structure",
        "members": {
            "thingName": {"shape": "String"},
            "maxResults": {"shape": "Integer"},
        },
    },
    "DescribeFutureThingsResponse": {
        "type": "structure",
        "members": {"things": {"shape": "StringList"}},
    },
}


def write_future_model(data_path: Path) -> Path:
    """Write the installed Batch model plus ``DescribeFutureThings`` under ``data_path``, laid out
    as ``AWS_DATA_PATH`` expects (``batch/<api version>/service-2.json``); return ``data_path``."""
    # botocore's own model, never one an AWS_DATA_PATH already in the environment names.
    model = create_loader(None).load_service_model("batch", "service-2")
    model = json.loads(json.dumps(model))
    assert FUTURE_OPERATION not in model["operations"], "botocore has it now: pick another name"
    assert {"String", "Integer", "StringList"} <= set(model["shapes"])
    method, uri = FUTURE_METHOD_AND_URI
    model["operations"][FUTURE_OPERATION] = {
        "name": FUTURE_OPERATION,
        "http": {"method": method, "requestUri": uri},
        "input": {"shape": "DescribeFutureThingsRequest"},
        "output": {"shape": "DescribeFutureThingsResponse"},
        "errors": [{"shape": "ClientException"}, {"shape": "ServerException"}],
        "documentation": "<p>An operation a newer botocore might have.</p>",
    }
    model["shapes"].update(_SHAPES)
    directory = data_path / "batch" / model["metadata"]["apiVersion"]
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "service-2.json").write_text(json.dumps(model))
    return data_path


def future_environment(data_path: Path) -> dict[str, str]:
    """This process's environment, with ``AWS_DATA_PATH`` naming the model under ``data_path``
    (written if it is not yet there): for a process started to see the newer botocore."""
    return {**os.environ, "AWS_DATA_PATH": str(write_future_model(data_path))}
