"""What SubmitJob's overrides make of a job definition's bodies: its container
(``containerOverrides``), its node ranges (``nodeOverrides.nodePropertyOverrides``) and its EKS pod
(``eksPropertiesOverride``). The results are what DescribeJobs shows.

Requests reach here type-checked (jobs._SUBMIT_SHAPES, definitions._REGISTER_SHAPES), so members
have their model's types where present; any may be missing.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any

from .._errors import client_exception

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

#: ``a:b``, ``a:``, ``:b``, ``:`` or ``a`` (NodeRangeProperty.targetNodes). Up to 6 digits: a node
#: index is below 1,000 (the node limit), and a longer number must not reach int() (hostile input).
_TARGET_NODES = re.compile(r"(?P<start>[0-9]{0,6}):(?P<end>[0-9]{0,6})|(?P<single>[0-9]{1,6})")


def container_overridden(
    container: Mapping[str, Any], overrides: Mapping[str, Any]
) -> dict[str, Any]:
    """A container with ``containerOverrides`` applied: ``vcpus``, ``memory``, ``command`` and
    ``instanceType`` replaced, ``environment`` merged by name, ``resourceRequirements`` by type."""
    result = dict(container)
    for key in ("vcpus", "memory", "command", "instanceType"):
        if key in overrides:
            result[key] = overrides[key]
    if "environment" in overrides:
        # Overrides replace the definition's variables of the same name and add the others.
        merged = {item.get("name"): item for item in result.get("environment", [])}
        merged.update({item.get("name"): item for item in overrides["environment"]})
        result["environment"] = list(merged.values())
    if "resourceRequirements" in overrides:
        by_type = {item.get("type"): item for item in result.get("resourceRequirements", [])}
        by_type.update({item.get("type"): item for item in overrides["resourceRequirements"]})
        result["resourceRequirements"] = list(by_type.values())
    return result


def target_nodes(value: str, num_nodes: int) -> range:
    """The node indexes a ``targetNodes`` range names, cut to the job's ``num_nodes`` (``n:``
    runs to the last node; ``:n`` starts at 0); a ClientException if it is not a range."""
    match = _TARGET_NODES.fullmatch(value)
    if match is None:
        raise client_exception(  # chosen
            f"Invalid targetNodes: {value}. Use a node range such as 0:3, 1: or :2."
        )
    if match["single"] is not None:
        start = end = int(match["single"])
    else:
        start = int(match["start"] or 0)
        end = int(match["end"]) if match["end"] else num_nodes - 1
    return range(start, min(end, num_nodes - 1) + 1)


def node_ranges(
    ranges: Sequence[Mapping[str, Any]],
    overrides: Sequence[Mapping[str, Any]],
    num_nodes: int,
) -> list[dict[str, Any]]:
    """The node ranges a multi-node job runs: the definition's ``nodeRangeProperties`` with the
    request's ``nodePropertyOverrides`` applied to the nodes they target.

    A node takes its container from the narrowest definition range that holds it ("You can nest
    node ranges (for example, 0:10 and 4:5). In this case, the 4:5 range properties override the
    0:10 properties."), then every override that targets it, widest first. Nodes that end up
    alike and side by side make one range; a definition range that stays whole keeps its own
    ``targetNodes`` text.
    """
    defined = [target_nodes(str(r.get("targetNodes", "")), num_nodes) for r in ranges]
    targeted = [target_nodes(str(o.get("targetNodes", "")), num_nodes) for o in overrides]
    # Per node: (its definition range, the overrides that apply, widest first).
    keys: list[tuple[int, tuple[int, ...]] | None] = []
    for node in range(num_nodes):
        holding = [i for i, nodes in enumerate(defined) if node in nodes]
        if not holding:
            keys.append(None)  # no range holds it: it has no container of its own
            continue
        own = min(holding, key=lambda i: (len(defined[i]), -i))
        widest_first = sorted(
            (i for i, nodes in enumerate(targeted) if node in nodes),
            key=lambda i: (-len(targeted[i]), i),
        )
        keys.append((own, tuple(widest_first)))
    result = []
    node = 0
    while node < num_nodes:
        key = keys[node]
        last = node
        while last + 1 < num_nodes and keys[last + 1] == key:
            last += 1
        if key is not None:
            own, applied = key
            result.append(_node_range(ranges[own], defined[own], overrides, applied, node, last))
        node = last + 1
    return result


def _node_range(
    defined: Mapping[str, Any],
    defined_nodes: range,
    overrides: Sequence[Mapping[str, Any]],
    applied: tuple[int, ...],
    first: int,
    last: int,
) -> dict[str, Any]:
    whole = defined_nodes == range(first, last + 1)
    node_range = copy.deepcopy(dict(defined))
    node_range["targetNodes"] = defined["targetNodes"] if whole else f"{first}:{last}"
    for index in applied:
        override = overrides[index]
        if override.get("containerOverrides"):
            if not isinstance(node_range.get("container"), dict):
                raise client_exception(  # chosen
                    f"containerOverrides for nodes {override.get('targetNodes')} apply only to a "
                    "node range with a container."
                )
            node_range["container"] = container_overridden(
                node_range["container"], override["containerOverrides"]
            )
        if override.get("instanceTypes"):
            node_range["instanceTypes"] = list(override["instanceTypes"])
    return node_range


def node_container(node_properties: Mapping[str, Any], node_index: int) -> Any:
    """The container of one node of a job whose node ranges ``node_ranges`` made, or None."""
    num_nodes = node_properties.get("numNodes", 0)
    for node_range in node_properties.get("nodeRangeProperties") or ():
        if node_index in target_nodes(str(node_range.get("targetNodes", "")), num_nodes):
            return node_range.get("container")
    return None


def eks_overridden(eks: Mapping[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    """The job definition's ``eksProperties`` with ``eksPropertiesOverride`` applied: containers
    (and init containers) by name, or by position for an override without one, their ``image``,
    ``command``, ``args`` and ``resources`` replaced and ``env`` merged by name; metadata labels
    and annotations merged key by key."""
    result: dict[str, Any] = copy.deepcopy(dict(eks))
    pod_overrides = overrides.get("podProperties") or {}
    if not pod_overrides:
        return result
    pod = result.setdefault("podProperties", {})
    for member in ("containers", "initContainers"):
        for position, override in enumerate(pod_overrides.get(member) or ()):
            containers = pod.get(member) or []
            target = _eks_container(containers, override, position, member)
            for key in ("image", "command", "args", "resources"):
                if key in override:
                    target[key] = copy.deepcopy(override[key])
            if "env" in override:
                # "You can add new environment variables ... Or, you can override the existing
                # environment variables from ... the job definition": by name, as for ECS.
                merged = {item.get("name"): item for item in target.get("env") or []}
                merged.update({item.get("name"): item for item in override["env"]})
                target["env"] = copy.deepcopy(list(merged.values()))
    metadata = pod_overrides.get("metadata")
    if metadata:
        merged = pod.setdefault("metadata", {})
        for key in ("labels", "annotations"):
            if key in metadata:
                merged[key] = {**(merged.get(key) or {}), **metadata[key]}
        if "namespace" in metadata:
            merged["namespace"] = metadata["namespace"]
    return result


def _eks_container(
    containers: list[Any], override: Mapping[str, Any], position: int, member: str
) -> dict[str, Any]:
    name = override.get("name")
    if name is not None:
        # "The name must match a unique container name that you wish to override."
        for container in containers:
            if isinstance(container, dict) and container.get("name") == name:
                return container
        raise client_exception(  # chosen
            f"eksPropertiesOverride {member}: no container named {name} in the job definition."
        )
    if position < len(containers) and isinstance(containers[position], dict):
        return containers[position]  # type: ignore[no-any-return]
    raise client_exception(  # chosen
        f"eksPropertiesOverride {member}: the job definition has no container {position}."
    )
