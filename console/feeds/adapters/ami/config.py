"""The Asterisk adapter's configuration file (``--config FILE``, TOML).

What AMI cannot tell: the service-level threshold of a queue whose
``ServiceLevel`` is 0, each queue's wrap-up time, where in the dialplan a caller
must be sent to join a queue (``call.move`` is a ``Redirect``), and whether
supervisors may sign agents out (``QueueRemove``). Every key is optional::

    [centre]
    name = "Customer service"
    sl_threshold_s = 20        # for queues whose ServiceLevel is 0 or missing
    allow_sign_out = false     # agent.set_state offline -> QueueRemove from every queue

    [queues.cards]
    wrap_up_s = 15
    redirect = { context = "queues", exten = "cards" }   # call.move to this queue
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class AmiConfigError(ValueError):
    """The configuration file is wrong; the message names the file, the key and why."""


@dataclass(frozen=True)
class Redirect:
    context: str
    exten: str
    priority: int = 1


@dataclass(frozen=True)
class AmiConfig:
    centre_name: str = "Asterisk"
    sl_threshold_s: float = 20.0
    allow_sign_out: bool = False
    wrap_up_s: dict[str, float] = field(default_factory=dict)
    redirect: dict[str, Redirect] = field(default_factory=dict)


def load_config(path: Path | None) -> AmiConfig:
    """The configuration in ``path`` (None: the defaults); raises AmiConfigError naming what is wrong."""
    if path is None:
        return AmiConfig()
    try:
        with path.open("rb") as f:
            raw = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AmiConfigError(f"{path}: {exc}") from None
    return parse_config(raw, str(path))


def parse_config(raw: dict[str, Any], where: str = "config") -> AmiConfig:
    def fail(key: str, why: str) -> AmiConfigError:
        return AmiConfigError(f"{where}: {key}: {why}")

    unknown = sorted(set(raw) - {"centre", "queues"})
    if unknown:
        raise fail(unknown[0], "unknown section; sections are centre and queues")
    centre = raw.get("centre", {})
    if not isinstance(centre, dict):
        raise fail("centre", "must be a table")
    extra = sorted(set(centre) - {"name", "sl_threshold_s", "allow_sign_out"})
    if extra:
        raise fail(f"centre.{extra[0]}", "unknown key; keys are name, sl_threshold_s, allow_sign_out")
    name = centre.get("name", "Asterisk")
    if not isinstance(name, str) or not name:
        raise fail("centre.name", "must be a non-empty string")
    sl = centre.get("sl_threshold_s", 20.0)
    if isinstance(sl, bool) or not isinstance(sl, int | float) or sl <= 0:
        raise fail("centre.sl_threshold_s", f"must be a number of seconds above 0, not {sl!r}")
    sign_out = centre.get("allow_sign_out", False)
    if not isinstance(sign_out, bool):
        raise fail("centre.allow_sign_out", "must be true or false")
    wrap: dict[str, float] = {}
    redirect: dict[str, Redirect] = {}
    queues = raw.get("queues", {})
    if not isinstance(queues, dict):
        raise fail("queues", "must be a table of queues")
    for qname, q in queues.items():
        key = f"queues.{qname}"
        if not isinstance(q, dict):
            raise fail(key, "must be a table")
        extra = sorted(set(q) - {"wrap_up_s", "redirect"})
        if extra:
            raise fail(f"{key}.{extra[0]}", "unknown key; keys are wrap_up_s, redirect")
        if "wrap_up_s" in q:
            w = q["wrap_up_s"]
            if isinstance(w, bool) or not isinstance(w, int | float) or w < 0:
                raise fail(f"{key}.wrap_up_s", f"must be a number of seconds, 0 or more, not {w!r}")
            wrap[qname] = float(w)
        if "redirect" in q:
            r = q["redirect"]
            if not isinstance(r, dict) or not all(
                isinstance(r.get(k), str) and r.get(k) for k in ("context", "exten")
            ):
                raise fail(f"{key}.redirect", 'must be { context = "...", exten = "..." }')
            priority = r.get("priority", 1)
            if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
                raise fail(f"{key}.redirect.priority", "must be a dialplan priority, 1 or more")
            redirect[qname] = Redirect(r["context"], r["exten"], priority)
    return AmiConfig(
        centre_name=name,
        sl_threshold_s=float(sl),
        allow_sign_out=sign_out,
        wrap_up_s=wrap,
        redirect=redirect,
    )
