"""The console's embedded gateway: a real gateway on 127.0.0.1, its centre in the language asked for."""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path

import pytest

from console.application.embedded import EmbeddedGateway
from console.domain.state import FloorState
from tests.helpers.gateway import START, WireClient


def _floor(embedded: EmbeddedGateway) -> FloorState:
    async def watch() -> FloorState:
        client = await WireClient.open(embedded.url, token=embedded.token)
        await client.ready()
        await client.close()
        return client.state

    return asyncio.run(watch())


@pytest.mark.parametrize(
    ("lang", "centre", "agent"),
    [("zh_CN", "零售银行客户服务中心", "王伟"), ("en", "Retail Bank Customer Service Centre", "Wang Wei")],
)
def test_the_embedded_centre_speaks_the_language_given(lang: str, centre: str, agent: str) -> None:
    embedded = EmbeddedGateway.temporary(lang=lang, start=START, speed=60)
    assert embedded.config.lang == lang
    embedded.start()
    try:
        floor = _floor(embedded)
    finally:
        embedded.stop()
    assert floor.centre.name == centre
    assert floor.agents["A001"].name == agent
    assert set(floor.queues) == {"accounts", "transfers", "cards", "loans", "complaints", "vip"}


def test_an_unknown_language_is_refused_before_anything_is_made() -> None:
    before = set(Path(tempfile.gettempdir()).glob("supervisor-console-*"))
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        EmbeddedGateway.temporary(lang="fr")
    assert set(Path(tempfile.gettempdir()).glob("supervisor-console-*")) == before
