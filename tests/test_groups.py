"""The one union-find (:func:`sucai.groups.connected_groups`), against groups worked out by hand."""

from __future__ import annotations

from sucai.groups import connected_groups


def test_links_join_nodes_through_others_and_lone_nodes_stay_alone() -> None:
    # 0–3 and 3–5 join 0, 3, 5; 4–1 joins 1, 4; 2 and 6 have no link.
    assert connected_groups(range(7), [(0, 3), (4, 1), (5, 3)]) == [[0, 3, 5], [1, 4], [2], [6]]


def test_a_chain_given_back_to_front_is_one_group_in_node_order() -> None:
    links = [(8, 9), (7, 8), (6, 7), (5, 6), (4, 5), (3, 4), (2, 3), (1, 2), (0, 1)]
    assert connected_groups(range(10), links) == [list(range(10))]


def test_nodes_may_come_from_the_links_alone() -> None:
    # The store's law versions: only linked articles are known; self-links change nothing.
    assert connected_groups((), [(12, 30), (7, 7), (30, 41), (7, 9)]) == [[12, 30, 41], [7, 9]]
