"""TagResource, UntagResource and ListTagsForResource on every kind of resource, through real
clients and the AWS CLI.

These operations carry the resource ARN in the request's path and, for UntagResource, the keys in
its query string, so they run on both paths, with botocore's and aiobotocore's clients.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
import pytest
from awscli.clidriver import create_clidriver

from pytest_fakebatch import FakeBatch
from pytest_fakebatch._uri import ROUTES
from tests.helpers import record_requests, refused

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from botocore.client import BaseClient

BOTH_PATHS = pytest.mark.parametrize("fake", [False, True], ids=["fast", "wire"], indirect=True)
ACCOUNT = "123456789012"


@pytest.fixture
def fake(request: pytest.FixtureRequest) -> Iterator[FakeBatch]:
    with FakeBatch(seed=14, wire=getattr(request, "param", False)) as fake:
        yield fake


@pytest.fixture
def batch(fake: FakeBatch) -> BaseClient:
    return boto3.client("batch", region_name=fake.region)


# One ARN of each kind of resource the fake can tag.
RESOURCES: dict[str, Callable[[FakeBatch], str]] = {
    "job queue": lambda fake: fake.add_queue("q").arn,
    "job definition": lambda fake: fake.add_job_definition("d").arn,
    "compute environment": lambda fake: fake.add_compute_environment("ce").arn,
    "job": lambda fake: fake.add_job("q2").job_arn,
    "array job": lambda fake: fake.add_array_job("q3", size=2).job_arn,
    "multi-node job": lambda fake: fake.add_multinode_job("q4", num_nodes=2).job_arn,
}


@BOTH_PATHS
@pytest.mark.parametrize("kind", list(RESOURCES))
def test_tag_list_untag(fake: FakeBatch, batch: BaseClient, kind: str) -> None:
    check_tag_list_untag(fake, batch, RESOURCES[kind](fake))


@BOTH_PATHS
def test_tag_list_untag_with_either_client(fake: FakeBatch, client: BaseClient) -> None:
    check_tag_list_untag(fake, client, fake.add_queue("q").arn)


def check_tag_list_untag(fake: FakeBatch, client: BaseClient, arn: str) -> None:

    untagged = client.list_tags_for_resource(resourceArn=arn)
    client.tag_resource(resourceArn=arn, tags={"team": "ml", "cost": "1", "stage": ""})
    client.tag_resource(resourceArn=arn, tags={"cost": "2"})
    tagged = client.list_tags_for_resource(resourceArn=arn)
    client.untag_resource(resourceArn=arn, tagKeys=["team", "stage", "never-there"])
    left = client.list_tags_for_resource(resourceArn=arn)

    assert untagged["tags"] == {}
    assert tagged["tags"] == {"team": "ml", "cost": "2", "stage": ""}
    assert left["tags"] == {"cost": "2"}
    assert fake.get_call("UntagResource").params == {
        "resourceArn": arn,
        "tagKeys": ["team", "stage", "never-there"],
    }


@BOTH_PATHS
def test_tags_given_at_creation_are_listed_and_described(
    fake: FakeBatch, client: BaseClient
) -> None:
    ce = client.create_compute_environment(
        computeEnvironmentName="ce", type="UNMANAGED", tags={"a": "1"}
    )["computeEnvironmentArn"]
    queue = client.create_job_queue(
        jobQueueName="q",
        priority=1,
        computeEnvironmentOrder=[{"order": 1, "computeEnvironment": ce}],
        tags={"b": "2"},
    )["jobQueueArn"]
    definition = client.register_job_definition(
        jobDefinitionName="d",
        type="container",
        containerProperties={"image": "busybox", "vcpus": 1, "memory": 128},
        tags={"c": "3"},
    )["jobDefinitionArn"]

    client.tag_resource(resourceArn=queue, tags={"added": "later"})

    assert client.list_tags_for_resource(resourceArn=ce)["tags"] == {"a": "1"}
    assert client.list_tags_for_resource(resourceArn=queue)["tags"] == {"b": "2", "added": "later"}
    assert client.list_tags_for_resource(resourceArn=definition)["tags"] == {"c": "3"}
    [described] = client.describe_job_queues()["jobQueues"]
    assert described["tags"] == {"b": "2", "added": "later"}
    client.untag_resource(resourceArn=definition, tagKeys=["c"])
    assert "tags" not in client.describe_job_definitions()["jobDefinitions"][0]


def test_each_revision_has_its_own_tags(fake: FakeBatch, batch: BaseClient) -> None:
    first = fake.add_job_definition("d", tags={"v": "1"})
    second = fake.add_job_definition("d")

    assert batch.list_tags_for_resource(resourceArn=first.arn)["tags"] == {"v": "1"}
    assert batch.list_tags_for_resource(resourceArn=second.arn)["tags"] == {}


def test_the_arn_travels_in_the_path_and_the_keys_in_the_query_string() -> None:
    # Only the wire path builds the HTTP request; the fast path reads the same URL before.
    with FakeBatch(wire=True) as fake:
        arn = fake.add_queue("q").arn
        client = boto3.client("batch", region_name=fake.region)
        sent = record_requests(client)

        client.untag_resource(resourceArn=arn, tagKeys=["a b", "c"])

    [request] = sent
    assert request.method == "DELETE"
    assert request.url == (
        "https://batch.us-east-1.amazonaws.com/v1/tags/"
        f"arn%3Aaws%3Abatch%3Aus-east-1%3A{ACCOUNT}%3Ajob-queue%2Fq?tagKeys=a%20b&tagKeys=c"
    )
    assert fake.get_call("UntagResource").params == {"resourceArn": arn, "tagKeys": ["a b", "c"]}


@BOTH_PATHS
@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job-queue/missing",
        f"arn:aws:batch:eu-west-1:{ACCOUNT}:job-queue/q",
        "arn:aws:batch:us-east-1:000000000000:job-queue/q",
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job-definition/d",
        f"arn:aws:batch:us-east-1:{ACCOUNT}:job/00000000-0000-4000-8000-000000000000",
        f"arn:aws:batch:us-east-1:{ACCOUNT}:scheduling-policy/p",
        f"arn:aws:sqs:us-east-1:{ACCOUNT}:q",
        "q",
    ],
)
def test_unknown_resources_are_refused(fake: FakeBatch, batch: BaseClient, arn: str) -> None:
    fake.add_queue("q")
    fake.add_job_definition("d")

    for call, params in (
        (batch.list_tags_for_resource, {}),
        (batch.tag_resource, {"tags": {"a": "b"}}),
        (batch.untag_resource, {"tagKeys": ["a"]}),
    ):
        assert refused(call, resourceArn=arn, **params) == f"Resource {arn} not found."


def test_a_resource_of_another_region_is_unknown(fake: FakeBatch) -> None:
    queue = fake.add_queue("q", region="eu-west-1")
    job = fake.add_job("q", region="eu-west-1")
    home = boto3.client("batch", region_name="us-east-1")

    for arn in (queue.arn, job.job_arn):
        assert refused(home.list_tags_for_resource, resourceArn=arn) == f"Resource {arn} not found."


@pytest.mark.parametrize("kind", ["array child", "node"])
def test_children_and_nodes_cannot_be_tagged(fake: FakeBatch, batch: BaseClient, kind: str) -> None:
    if kind == "array child":
        child = fake.add_array_job("q", size=2).children[1]
    else:
        child = fake.add_multinode_job("q", num_nodes=2).nodes[0]
    detail = (
        f"Tags are not supported for child jobs of array and multi-node parallel jobs: "
        f"{child.job_arn}"
    )

    assert refused(batch.tag_resource, resourceArn=child.job_arn, tags={"a": "b"}) == detail
    assert refused(batch.list_tags_for_resource, resourceArn=child.job_arn) == detail


@pytest.mark.parametrize(
    ("tags", "detail"),
    [
        ({"aws:owner": "x"}, "Tag keys starting with aws: are reserved: aws:owner"),
        ({"Aws:owner": "x"}, "Tag keys starting with aws: are reserved: Aws:owner"),
        ({"owner": "AWS:x"}, "Tag values starting with aws: are reserved: AWS:x"),
        ({"k" * 129: "x"}, f"Tag keys must be 1 to 128 characters long: {'k' * 129}"),
        ({"k": "v" * 257}, f"Tag values must be at most 256 characters long: {'v' * 257}"),
        ({f"new{n}": "v" for n in range(41)}, "A resource can have up to 50 tags."),
        ({}, "tags must have at least one entry."),
    ],
)
def test_tag_refusals(
    fake: FakeBatch, batch: BaseClient, tags: dict[str, str], detail: str
) -> None:
    arn = fake.add_queue("q", tags={f"old{n}": "v" for n in range(10)}).arn

    assert refused(batch.tag_resource, resourceArn=arn, tags=tags) == detail
    assert len(batch.list_tags_for_resource(resourceArn=arn)["tags"]) == 10


def test_fifty_tags_fit(fake: FakeBatch, batch: BaseClient) -> None:
    arn = fake.add_queue("q", tags={f"old{n}": "v" for n in range(10)}).arn

    batch.tag_resource(resourceArn=arn, tags={f"new{n}": "v" for n in range(40)})
    batch.tag_resource(resourceArn=arn, tags={"old0": "replaced"})  # an existing key: still 50

    tags = batch.list_tags_for_resource(resourceArn=arn)["tags"]
    assert (len(tags), tags["old0"]) == (50, "replaced")


def test_reserved_keys_cannot_be_removed(fake: FakeBatch, batch: BaseClient) -> None:
    arn = fake.add_queue("q", tags={"a": "b"}).arn

    assert refused(batch.untag_resource, resourceArn=arn, tagKeys=["a", "aws:x"]) == (
        "Tag keys starting with aws: are reserved: aws:x"
    )
    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {"a": "b"}


def test_removing_every_tag_leaves_none(fake: FakeBatch, batch: BaseClient) -> None:
    arn = fake.add_compute_environment("ce", tags={"a": "b"}).arn

    batch.untag_resource(resourceArn=arn, tagKeys=["a"])

    assert batch.list_tags_for_resource(resourceArn=arn)["tags"] == {}
    assert "tags" not in batch.describe_compute_environments()["computeEnvironments"][0]


def test_the_aws_cli_tags_and_lists(
    clean_aws_environment: None, capsys: pytest.CaptureFixture[str]
) -> None:
    def cli(*args: str) -> Any:
        capsys.readouterr()
        status = create_clidriver().main(["batch", *args, "--region", "us-east-1"])
        out, err = capsys.readouterr()
        assert status == 0, err
        return json.loads(out) if out.strip() else None

    with FakeBatch(wire=True) as fake:  # the CLI's requests go through botocore's HTTP layer
        arn = fake.add_job_definition("d").arn

        cli("tag-resource", "--resource-arn", arn, "--tags", "team=ml,cost=1")
        cli("untag-resource", "--resource-arn", arn, "--tag-keys", "cost")
        listed = cli("list-tags-for-resource", "--resource-arn", arn, "--output", "json")

    assert listed == {"tags": {"team": "ml"}}
    assert [call.operation for call in fake.calls] == [
        "TagResource",
        "UntagResource",
        "ListTagsForResource",
    ]


def test_the_routes_agree_with_botocore_s_service_model() -> None:
    """Every Batch member that travels in the URL is decoded, from where botocore puts it."""
    model = botocore.session.get_session().get_service_model("batch")
    in_url: dict[str, tuple[str, dict[str, tuple[str, bool]]]] = {}
    for name in model.operation_names:
        operation = model.operation_model(name)
        members = operation.input_shape.members if operation.input_shape else {}
        located = {
            member: shape
            for member, shape in members.items()
            if shape.serialization.get("location")
        }
        if located:
            assert {shape.serialization["location"] for shape in located.values()} <= {
                "uri",
                "querystring",
            }
            query = {
                shape.serialization["name"]: (member, shape.type_name == "list")
                for member, shape in located.items()
                if shape.serialization["location"] == "querystring"
            }
            in_url[name] = (operation.http["requestUri"], query)

    assert in_url == {name: (route.request_uri, route.query) for name, route in ROUTES.items()}
