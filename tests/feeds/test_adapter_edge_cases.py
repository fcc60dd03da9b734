"""Bugs found in the adapters' gateway and link code while writing docs/adapters.md, now fixed.

Each test states the behaviour that must hold: a link closed while a lost connection is torn
down stops; undoing a reassignment an adapter carried out is answered plainly, not as an
internal error; a bad time inside published data is refused and the gateway goes on.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from console.domain.clock import iso, to_ms
from console.domain.entities import Agent, Case, CaseStatus, Centre
from console.domain.events import AgentAdded, CaseCreated, CentreConfigured, EventData, QueueConfigured
from console.domain.permissions import Role
from console.feeds.adapters.link import AdapterLink
from console.feeds.protocol import Request
from tests.helpers.gateway import GatewayThread, WireClient, make_config, token

T0 = to_ms("2026-03-02T08:00:00Z")


class _SlowToStop(AdapterLink):
    """A link whose sender takes a moment to stop, as one caught in a slow write does.

    It only widens a window that is always there (one turn of the loop): the time
    ``_session`` spends in its ``finally`` awaiting the cancelled sender.
    """

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.tearing_down = asyncio.Event()

    async def _send(self, ws: ClientConnection) -> None:
        try:
            await super()._send(ws)
        except asyncio.CancelledError:
            self.tearing_down.set()
            await asyncio.sleep(0.5)
            raise


def test_close_stops_a_link_whose_lost_connection_is_being_torn_down(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> bool:
            link = _SlowToStop(gw.url, token(Role.ADAPTER), retry_s=(0.05, 0.2))
            await link.start()
            found = await asyncio.to_thread(gw.call, lambda: gw.gateway.adapters.get("adapter1"))
            assert found is not None
            await asyncio.to_thread(gw.run, found[1].close(1011, "connection lost"))
            await asyncio.wait_for(link.tearing_down.wait(), 10)
            closing = asyncio.create_task(link.close())
            # Not wait_for: cancelling close() on the timeout would stop the link and hide the bug.
            done, _ = await asyncio.wait({closing}, timeout=5)
            stopped = closing in done
            if not stopped:
                closing.cancel()  # a second cancel does stop it
                await asyncio.gather(closing, return_exceptions=True)
            return stopped

        assert asyncio.run(scenario()), "close() did not stop the link: it reconnected instead"


def test_undoing_a_reassignment_an_adapter_carried_out_is_answered_not_an_internal_error(
    tmp_path: Path,
) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def scenario() -> dict[str, Any]:
            asked: list[Request] = []

            async def carry_out(request: Request) -> dict[str, Any] | None:
                asked.append(request)
                return {"ticket_system": "done"}

            link = AdapterLink(gw.url, token(Role.ADAPTER), on_request=carry_out)
            await link.start()
            t = T0
            case = Case(
                id="CS1",
                queue_id="cards",
                subject="fee",
                priority="P2",
                status=CaseStatus.TRIAGE,
                agent_id=None,
                created_at=iso(t),
                first_response_due=iso(t + 3_600_000),
                resolution_due=iso(t + 86_400_000),
            )
            floor: list[EventData] = [
                CentreConfigured(centre=Centre(name="Bank", timezone="Europe/Paris")),
                QueueConfigured(queue_id="cards", name="Cards", sl_threshold_s=20, sl_target_pct=80),
                AgentAdded(agent=Agent(id="A1", name="Ann", team="T", skills=["cards"])),
                CaseCreated(case=case),
            ]
            for pos, data in enumerate(floor, start=1):
                link.publish(pos, t, data)
            await link.flush()
            manager = await WireClient.open(gw.url, Role.MANAGER)
            await manager.ready()
            args = {"case_ids": ["CS1"], "agent_id": "A1", "expected_versions": {"CS1": 1}}
            ack = await manager.command("case.reassign", args, cid="r1")
            assert ack["ok"] and ack["result"]["forwarded_to"] == "adapter1"
            undo = await manager.command("case.undo_reassign", {"command_id": "r1"}, cid="u1")
            await manager.close()
            await link.close()
            return undo

        undo = asyncio.run(scenario())
        assert undo["ok"] or undo["error"]["code"] != "internal", undo


def test_a_bad_timestamp_inside_data_is_refused_and_the_gateway_goes_on(tmp_path: Path) -> None:
    with GatewayThread(make_config(tmp_path, source="adapters")) as gw:

        async def publish(events: list[dict[str, Any]], frame_id: str) -> dict[str, Any]:
            async with connect(gw.url) as ws:
                await ws.send(json.dumps({"op": "hello", "protocol": 1, "token": token(Role.ADAPTER)}))
                json.loads(await asyncio.wait_for(ws.recv(), 5))  # welcome
                await ws.send(json.dumps({"op": "publish", "id": frame_id, "events": events}))
                ack: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
                return ack

        async def scenario() -> None:
            at = iso(T0)
            agent = {
                "id": "A1",
                "name": "Ann",
                "team": "T",
                "skills": [],
                "state": "available",
                "state_since": "yesterday",
            }
            ack = await publish(
                [
                    {"pos": 1, "at": at, "type": "centre.configured", "data": {"centre": {"name": "Bank"}}},
                    {"pos": 2, "at": at, "type": "agent.added", "data": {"agent": agent}},
                    {
                        "pos": 3,
                        "at": at,
                        "type": "agent.state",
                        "data": {"agent_id": "A1", "state": "available"},
                    },
                ],
                "p1",
            )
            assert [(r["pos"], r["code"]) for r in ack["result"]["refused"]] == [
                (2, "bad_event"),
                (3, "not_found"),
            ]
            queue = {"queue_id": "Q", "name": "Q", "sl_threshold_s": 20, "sl_target_pct": 80}
            ack = await publish([{"pos": 4, "at": at, "type": "queue.configured", "data": queue}], "p2")
            assert ack["ok"] and ack["result"]["accepted"] == 1

        asyncio.run(scenario())
