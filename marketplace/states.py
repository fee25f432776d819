"""State machines: one per stateful object, and the only code that sets a status.

Each machine is a literal transition table (state -> the states it may move to), the states
an object may be created in, and plain labels. ``start`` gives a new object its first state
and ``move`` changes it; both write an event row naming the actor, the holder whose money or
account it concerns, the state before and after, and why. An illegal move raises
``InvalidTransition`` (a 409 with a plain message). ``allowed`` and ``can_move`` answer
"which moves are possible now", so services and templates ask the table instead of
repeating it. ``tests/test_architecture.py`` scans the source to keep every other module
from assigning a status.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping

from .errors import InvalidTransition
from .events import service as events
from .extensions import db

_MACHINES: dict[str, "StateMachine"] = {}


def _holder_and_council(obj) -> tuple[object | None, int | None]:
    holder = getattr(obj, "holder", None)
    return holder, getattr(obj, "council_id", None) or getattr(holder, "council_id", None)


class StateMachine:
    """One object's states. ``table`` must name every state, final ones with an empty set."""

    def __init__(self, name: str, table: Mapping[str, Iterable[str]], *, initial: Iterable[str], model: str,
                 labels: Mapping[str, str] | None = None, tones: Mapping[str, str] | None = None,
                 field: str = "status", subject: Callable[[object], tuple] | None = None):
        self.name = name
        self.table = {state: frozenset(targets) for state, targets in table.items()}
        self.initial = frozenset(initial)
        self.model = model  # the table name of the model it drives, to find the machine from an object
        self.labels = dict(labels or {})
        self.tones = dict(tones or {})  # "green", "yellow", "red", "grey": how a tag shows the state
        self.field = field
        self._subject = subject or _holder_and_council
        unknown = {t for targets in self.table.values() for t in targets} - set(self.table)
        if unknown or not self.initial <= set(self.table):
            raise ValueError(f"{name}: states {sorted(unknown | (self.initial - set(self.table)))} are not in the table")
        _MACHINES[model] = self

    @property
    def states(self) -> tuple[str, ...]:
        return tuple(self.table)

    @property
    def final(self) -> frozenset[str]:
        return frozenset(state for state, targets in self.table.items() if not targets)

    def state(self, obj) -> str:
        return getattr(obj, self.field)

    def allowed(self, obj) -> frozenset[str]:
        """The states ``obj`` may move to now."""
        return self.table.get(self.state(obj), frozenset())

    def can_move(self, obj, to: str) -> bool:
        return to in self.allowed(obj)

    def check(self, obj, to: str) -> None:
        """Raise InvalidTransition unless ``obj`` may move to ``to``."""
        if to not in self.allowed(obj):
            raise InvalidTransition(self.name, self.state(obj) or "new", to)

    def label(self, obj) -> str:
        state = self.state(obj)
        return self.labels.get(state, (state or "").replace("_", " ").capitalize())

    def tone(self, obj) -> str:
        return self.tones.get(self.state(obj), "grey")

    def start(self, obj, state: str, *, actor=None, reason: str | None = None, record: bool = True, **detail) -> None:
        """Give a new object its first state (and, unless ``record`` is False, an event row)."""
        if state not in self.initial:
            raise InvalidTransition(self.name, "new", state)
        setattr(obj, self.field, state)
        if record:
            self._record(obj, None, state, actor, reason, detail)

    def move(self, obj, to: str, *, actor=None, reason: str | None = None, **detail) -> str:
        """Move ``obj`` to ``to`` and write the event row; returns the state it left."""
        self.check(obj, to)
        previous = self.state(obj)
        setattr(obj, self.field, to)
        self._record(obj, previous, to, actor, reason, detail)
        return previous

    def _record(self, obj, previous: str | None, to: str, actor, reason: str | None, detail: dict) -> None:
        if getattr(obj, "id", None) is None:
            db.session.add(obj)
            db.session.flush()
        holder, council_id = self._subject(obj)
        events.record(f"{self.name}.{to}", actor=actor, holder=holder, council_id=council_id, obj=obj,
                      **{"from": previous, "to": to, "reason": reason}, **detail)


def machine_for(obj) -> StateMachine:
    """The machine that drives ``obj`` (by its table name)."""
    return _MACHINES[obj.__tablename__]


def machines() -> list[StateMachine]:
    return list(_MACHINES.values())


def may(obj, to: str) -> bool:
    """For templates: may ``obj`` move to ``to`` now? (Who may do it is the policy's question.)"""
    return machine_for(obj).can_move(obj, to)


class Stateful:
    """Mixed into every model a machine drives: its status in plain words, and its tag colour."""

    @property
    def status_label(self) -> str:
        return machine_for(self).label(self)

    @property
    def status_tone(self) -> str:
        return machine_for(self).tone(self)
