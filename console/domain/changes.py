"""What changed in the floor since a view last looked.

The reducer records the ids it touches; a view takes the set once per refresh
and updates only those rows (batched ``dataChanged``/insert/remove), never a
whole-model reset per tick. ``reset`` means "everything may have changed": a
snapshot was loaded or the business day rolled over.
"""

from __future__ import annotations

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
