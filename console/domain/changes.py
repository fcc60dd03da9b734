"""What changed in the floor since a view last looked.

The reducer records the ids it touches; a view takes the set once per refresh
and updates only those rows (batched ``dataChanged``/insert/remove), never a
whole-model reset per tick. ``reset`` means "everything may have changed": a
snapshot was loaded or the business day rolled over.

``merge_changes`` adds one change set to another as if both had been recorded
as one: a view that refreshes less often while the feed catches up on a
backlog (``console.widgets.common.throttle``) is handed the merged set.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


@dataclass
class ChangeSet:
    reset: bool = False
    queues: set[str] = field(default_factory=set)
    agents: set[str] = field(default_factory=set)
    agents_added: set[str] = field(default_factory=set)
    agents_removed: set[str] = field(default_factory=set)
    calls_added: set[str] = field(default_factory=set)
    calls_changed: set[str] = field(default_factory=set)
    calls_removed: set[str] = field(default_factory=set)
    cases_added: set[str] = field(default_factory=set)
    cases_changed: set[str] = field(default_factory=set)
    cases_removed: set[str] = field(default_factory=set)
    actions: bool = False  # today's applied actions grew (or were cleared: see reset)
    flags: set[str] = field(default_factory=set)  # quality flags created or changed (pruned: see reset)
    events: int = 0  # events applied

    def __bool__(self) -> bool:
        return self.reset or self.events > 0

    def agent(self, agent_id: str) -> None:
        self.agents.add(agent_id)

    def added(self, kind: str, item_id: str, *, existed: bool = False) -> None:
        """``existed``: the id was already there (an add that replaces it), so views hold a row for it."""
        added, removed = self._sets(kind)
        if existed:  # a replacement is a change; were it "added", a removal later would cancel it out
            self.changed(kind, item_id)
        elif item_id in removed:  # removed and re-added within one refresh: a change
            removed.discard(item_id)
            self._changed(kind).add(item_id)
        else:
            added.add(item_id)

    def removed(self, kind: str, item_id: str) -> None:
        added, removed = self._sets(kind)
        if item_id in added:  # came and went within one refresh: nothing to show
            added.discard(item_id)
        else:
            removed.add(item_id)
        self._changed(kind).discard(item_id)

    def changed(self, kind: str, item_id: str) -> None:
        added, _ = self._sets(kind)
        if item_id not in added:
            self._changed(kind).add(item_id)

    def _sets(self, kind: str) -> tuple[set[str], set[str]]:
        if kind == "call":
            return self.calls_added, self.calls_removed
        if kind == "case":
            return self.cases_added, self.cases_removed
        return self.agents_added, self.agents_removed

    def _changed(self, kind: str) -> set[str]:
        if kind == "call":
            return self.calls_changed
        if kind == "case":
            return self.cases_changed
        return self.agents


# -- merging ----------------------------------------------------------------------------------------

#: Per kind of item: the names of its added, changed and removed sets.
_KINDS = {
    "call": ("calls_added", "calls_changed", "calls_removed"),
    "case": ("cases_added", "cases_changed", "cases_removed"),
    "agent": ("agents_added", "agents", "agents_removed"),
}
_BY_KIND = {name for names in _KINDS.values() for name in names}

#: The other sets of ids (queues, flags): merged by union. (``f.type`` is a string here: postponed
#: annotations.)
_OTHER_SETS = tuple(
    f.name for f in dataclasses.fields(ChangeSet) if f.name not in _BY_KIND and f.type in ("set[str]", set)
)


def merge_changes(into: ChangeSet, more: ChangeSet) -> ChangeSet:
    """Add ``more`` (what changed next) to ``into``, as if both had been recorded in one change set.

    Whole sets at a time (what ``ChangeSet.removed``, ``added`` and ``changed`` do id by id, in
    that order), in place on ``into``: a slice's thousands of ids cost a few set operations.
    """
    for added_name, changed_name, removed_name in _KINDS.values():
        into_added: set[str] = getattr(into, added_name)
        into_changed: set[str] = getattr(into, changed_name)
        into_removed: set[str] = getattr(into, removed_name)
        removed: set[str] = getattr(more, removed_name)
        added: set[str] = getattr(more, added_name)
        changed: set[str] = getattr(more, changed_name)
        if removed:
            came_and_went = removed & into_added if into_added else set()
            into_added -= came_and_went
            into_removed |= removed - came_and_went if came_and_went else removed
            into_changed -= removed
        if added:
            back = added & into_removed if into_removed else set()
            if back:  # removed and re-added: a change
                into_removed -= back
                into_changed |= back
                into_added |= added - back
            else:
                into_added |= added
        if changed:
            into_changed |= changed - into_added if into_added else changed
    for name in _OTHER_SETS:
        value: set[str] = getattr(more, name)
        if value:
            getattr(into, name).update(value)
    into.reset = into.reset or more.reset
    into.actions = into.actions or more.actions
    into.events += more.events
    return into
