"""A minimal adapter: an ACD's call log published to the gateway (see docs/adapters.md).

The log has lines ``time,event,call_id,queue,agent`` (events: queued, answered,
abandoned, ended; times in ISO 8601 with their UTC offset, which the gateway
takes as they are). Every event gets a position that depends only on its line
(line * 10 + its place in the line), so a second run sends the same positions and
the gateway skips what it has: nothing lost, nothing doubled. Only ``websockets``
and the standard library, so the wire is plain to see.

    ADAPTER_TOKEN=... python docs/examples/minimal_adapter.py LOG --gateway ws://127.0.0.1:8765
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

CENTRE = {"name": "Example bank", "timezone": "Europe/Paris", "day_starts": "00:00"}
BATCH = 500  # events per publish frame (the gateway takes up to 5000)
SERVICE_LEVEL = {"sl_threshold_s": 20, "sl_target_pct": 80}  # 80 % of calls answered within 20 s
DECLINE = {"code": "invalid_state", "message": "this example cannot change the ACD"}


def events_of(log: Path) -> list[dict[str, Any]]:
    """The events the log implies: the centre first, then each queue and agent when first seen."""
    out: list[dict[str, Any]] = []
    queues: set[str] = set()
    agents: set[str] = set()
    for line_no, line in enumerate(log.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith(("#", "time,")):
            continue
        at, event, call_id, queue, agent = (field.strip() for field in line.split(","))
        todo: list[tuple[str, dict[str, Any]]] = []
        if not out:
            out.append({"pos": 1, "at": at, "type": "centre.configured", "data": {"centre": CENTRE}})
        if queue not in queues:
            queues.add(queue)
            todo.append(("queue.configured", {"queue_id": queue, "name": queue.title(), **SERVICE_LEVEL}))
        if agent and agent not in agents:
            agents.add(agent)
            todo.append(("agent.added", {"agent": {"id": agent, "name": agent, "team": "ACD", "skills": []}}))
            todo.append(("agent.state", {"agent_id": agent, "state": "available"}))
        if event == "queued":
            todo.append(("call.queued", {"call_id": call_id, "queue_id": queue, "priority": 0, "caller": ""}))
        elif event == "answered":  # call events change calls only: the agent's state is ours to send
            todo.append(("call.answered", {"call_id": call_id, "agent_id": agent}))
            todo.append(("agent.state", {"agent_id": agent, "state": "on_call"}))
        elif event == "ended":
            todo.append(("call.ended", {"call_id": call_id}))
            todo.append(("agent.state", {"agent_id": agent, "state": "available"}))
        elif event == "abandoned":
            todo.append(("call.abandoned", {"call_id": call_id}))
        out += [{"pos": line_no * 10 + i, "at": at, "type": t, "data": d} for i, (t, d) in enumerate(todo)]
    return out


async def run(log: Path, url: str, token: str, linger_s: float) -> int:
    events = events_of(log)
    async with connect(url) as ws:
        await ws.send(json.dumps({"op": "hello", "protocol": 1, "token": token}))
        welcome = json.loads(await ws.recv())
        if welcome.get("position") is None:
            print(f"user {welcome.get('user')!r} is not an adapter (role {welcome.get('role')!r})")
            return 1
        todo = [e for e in events if e["pos"] > welcome["position"]]
        print(f"signed in as {welcome['user']}; the gateway holds position {welcome['position']}")
        if not todo:
            print(f"all {len(events)} events of {log.name} were already published")
        waiting = set()
        for n, first in enumerate(range(0, len(todo), BATCH), start=1):
            await ws.send(json.dumps({"op": "publish", "id": f"p{n}", "events": todo[first : first + BATCH]}))
            waiting.add(f"p{n}")
        ok, deadline = True, None
        loop = asyncio.get_running_loop()
        while deadline is None or loop.time() < deadline:
            if not waiting and deadline is None:
                print("everything is acknowledged")
                deadline = loop.time() + linger_s  # stay a while to answer forwarded commands
                continue
            try:
                timeout = None if deadline is None else deadline - loop.time()
                frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
            except TimeoutError:
                break
            if frame["op"] == "ack":  # one per publish frame, once the gateway has committed it
                waiting.discard(frame["id"])
                if not frame["ok"]:
                    print(f"publish {frame['id']} refused: {frame['error']['message']}")
                    ok = False
                    continue
                result = frame["result"]
                print(
                    f"{frame['id']}: {result['accepted']} accepted, {result['duplicates']} duplicates,"
                    f" position {result['position']}"
                )
                for r in result["refused"]:
                    print(f"  refused {r['type']} at position {r['pos']}: {r['code']}: {r['message']}")
            elif frame["op"] == "request":  # a supervisor's command about one of our agents or calls
                print(f"declining {frame['action']} {frame['args']} asked by {frame['user']}")
                await ws.send(json.dumps({"op": "reply", "id": frame["id"], "ok": False, "error": DECLINE}))
            elif frame["op"] == "error":  # a frame we sent was malformed: none of it was taken, no ack comes
                print(f"the gateway says {frame['code']}: {frame['message']}")
                return 1
        return 0 if ok else 1


def main() -> int:
    p = argparse.ArgumentParser(description="Publish an ACD call log to the gateway (docs/adapters.md).")
    p.add_argument("log", type=Path, help="the log: lines time,event,call_id,queue,agent")
    p.add_argument("--gateway", default="ws://127.0.0.1:8765", help="the gateway's URL")
    p.add_argument("--token-file", type=Path, help="file holding the adapter's token (else $ADAPTER_TOKEN)")
    p.add_argument("--linger", type=float, default=0.0, metavar="S", help="stay S seconds to answer commands")
    args = p.parse_args()
    token = args.token_file.read_text().strip() if args.token_file else os.environ.get("ADAPTER_TOKEN", "")
    if not token:
        p.error("no token: give --token-file or set ADAPTER_TOKEN")
    try:
        return asyncio.run(run(args.log, args.gateway, token, args.linger))
    except ConnectionClosed as exc:
        print(f"the gateway closed the connection: {exc}", file=sys.stderr)
    except OSError as exc:
        print(f"cannot reach {args.gateway}: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
