"""Change sets: merging one into another gives what recording both as one would have given."""

from __future__ import annotations

import random

from console.domain.changes import ChangeSet, merge_changes


def test_merging_change_sets_keeps_what_came_and_went_straight() -> None:
    first, second = ChangeSet(), ChangeSet()
    first.added("case", "gone")
    first.removed("case", "back")
    first.changed("call", "k1")
    first.queues.add("q1")
    first.events = 3
    second.removed("case", "gone")  # came and went: nothing to show
    second.added("case", "back")  # went and came back: a change
    second.removed("call", "k1")
    second.agent("a1")
    second.queues.add("q2")
    second.reset = True
    second.events = 4
    merged = merge_changes(merge_changes(ChangeSet(), first), second)
    assert merged.cases_added == set() and merged.cases_removed == set()
    assert merged.cases_changed == {"back"}
    assert merged.calls_removed == {"k1"} and merged.calls_changed == set()
    assert merged.agents == {"a1"} and merged.queues == {"q1", "q2"}
    assert merged.reset and merged.events == 7
    assert first.events == 3 and "gone" in first.cases_added, "the sets merged from are left alone"


def _merge_id_by_id(into: ChangeSet, more: ChangeSet) -> ChangeSet:
    """What merge_changes does with whole sets, done id by id through ChangeSet's own rules."""
    for kind, (added, changed, removed) in {
        "call": ("calls_added", "calls_changed", "calls_removed"),
        "case": ("cases_added", "cases_changed", "cases_removed"),
        "agent": ("agents_added", "agents", "agents_removed"),
    }.items():
        for item_id in getattr(more, removed):
            into.removed(kind, item_id)
        for item_id in getattr(more, added):
            into.added(kind, item_id)
        for item_id in getattr(more, changed):
            into.changed(kind, item_id)
    into.queues |= more.queues
    into.flags |= more.flags
    into.reset = into.reset or more.reset
    into.actions = into.actions or more.actions
    into.events += more.events
    return into


def test_merging_whole_sets_gives_what_merging_id_by_id_gives() -> None:
    rng = random.Random(7)

    def slice_of_changes() -> ChangeSet:
        cs = ChangeSet(events=rng.randrange(1, 50), actions=rng.random() < 0.2, reset=rng.random() < 0.05)
        for _ in range(rng.randrange(40)):
            kind = rng.choice(("call", "case", "agent"))
            item_id = f"{kind}{rng.randrange(12)}"
            getattr(cs, rng.choice(("added", "removed", "changed")))(kind, item_id)
        cs.queues.update(f"q{rng.randrange(5)}" for _ in range(rng.randrange(3)))
        cs.flags.update(f"f{rng.randrange(5)}" for _ in range(rng.randrange(3)))
        return cs

    for _ in range(200):
        slices = [slice_of_changes() for _ in range(rng.randrange(1, 6))]
        fast, slow = ChangeSet(), ChangeSet()
        for cs in slices:
            merge_changes(fast, cs)
            _merge_id_by_id(slow, cs)
        assert fast == slow
