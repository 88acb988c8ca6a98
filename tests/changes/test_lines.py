"""`Lines`: the compact set of added line numbers every ChangedFile of a push holds."""

from __future__ import annotations

import pickle

import pytest

from agent_guard.changes.model import NO_LINES, Lines

CASES = [(), (1,), (1, 2, 3), (2, 4, 5, 6, 10), tuple(range(1, 5000)), (7, 300, 301, 70000)]


@pytest.mark.parametrize("numbers", CASES)
def test_lines_behave_as_the_frozenset_of_the_same_numbers(numbers: tuple[int, ...]) -> None:
    lines, same = Lines(numbers), frozenset(numbers)
    assert lines == same and same == lines and lines == set(numbers)
    assert hash(lines) == hash(same)
    assert len(lines) == len(same) and bool(lines) is bool(same)
    assert list(lines) == sorted(same)
    for number in (0, 1, 2, 3, 4, 6, 7, 11, 300, 302, 4999, 5000, 70000, -1):
        assert (number in lines) is (number in same), number
    keys: dict[object, str] = {same: "found"}
    assert keys[lines] == "found"  # one cache key whichever built it


def test_lines_from_unordered_or_repeated_numbers_are_sorted_once() -> None:
    assert Lines([5, 1, 3, 3, 2]) == {1, 2, 3, 5}
    assert Lines(iter([9, 8])) == {8, 9}
    assert Lines({4, 2, 3}) == Lines(range(2, 5)) == Lines.span(2, 5)
    assert Lines.span(3, 3) == NO_LINES == frozenset()


def test_intersection_is_lines_and_matches_frozensets() -> None:
    a, b = Lines([1, 2, 3, 7, 8]), Lines([2, 3, 4, 8, 9])
    assert isinstance(a & b, Lines) and a & b == {2, 3, 8}
    assert a & frozenset({7, 100}) == {7}
    assert frozenset({7, 100}) & a == {7}


def test_lines_pickle_small_and_round_trip() -> None:
    lines = Lines(range(1, 100_000))
    data = pickle.dumps(lines, protocol=pickle.HIGHEST_PROTOCOL)
    assert pickle.loads(data) == lines and len(data) < 200
    assert pickle.loads(pickle.dumps(NO_LINES)) == frozenset()


def test_lines_are_immutable_and_say_what_they_hold() -> None:
    lines = Lines([1, 2, 3, 9])
    with pytest.raises(AttributeError):
        lines._len = 0
    assert repr(lines) == "Lines(1-3, 9)"


def test_overlaps_is_any_line_in_a_span() -> None:
    lines = Lines([3, 4, 5, 10])
    for first in range(0, 13):
        for last in range(first - 1, 13):
            expected = any(first <= line <= last for line in lines)
            assert lines.overlaps(first, last) is expected, (first, last)
    assert not NO_LINES.overlaps(1, 100)


def test_from_runs_takes_a_parsers_runs_and_normalises_others() -> None:
    assert Lines.from_runs([2, 5, 9, 10]) == {2, 3, 4, 9}
    assert Lines.from_runs([2, 5, 5, 7]) == Lines(range(2, 7))  # touching runs merge
    assert Lines.from_runs([9, 10, 1, 3]) == {1, 2, 9}  # out of order
    assert Lines.from_runs([]) == NO_LINES
