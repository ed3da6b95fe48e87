"""Connected groups (union-find): the one place nodes joined by links are gathered.

Used by the 写作台's heading groups (:mod:`sucai.compose`), a PDF page's table frames
(:mod:`sucai.ingest.parsers.pdf_layout`) and the store's law versions
(:mod:`sucai.store.copies`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable

__all__ = ["connected_groups"]

N = TypeVar("N", bound="Hashable")


def connected_groups(nodes: Iterable[N], links: Iterable[tuple[N, N]]) -> list[list[N]]:
    """The nodes joined, directly or through others, by ``links``, one list a group.

    Every node of ``nodes`` and of ``links`` is in exactly one group (a node no link touches is
    a group of its own). Members keep the order in which they were first seen (``nodes`` first,
    then ``links``), and groups the order of their first member.
    """
    parent: dict[N, N] = {node: node for node in nodes}

    def root(node: N) -> N:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in links:
        top = root(a)
        parent[top] = root(b)
    groups: dict[N, list[N]] = {}
    for node in parent:
        groups.setdefault(root(node), []).append(node)
    return list(groups.values())
