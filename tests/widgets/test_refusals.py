"""Why not, in words: refusals (the gateway's own in English, summed up first in another language)
and the review workflow's rules, in the interface language."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from console.domain.entities import Flag, FlagCategory, FlagOutcome, FlagSeverity, FlagStatus
from console.domain.flags import FlagRuleError, check_note, plan_update
from console.feeds.protocol import ErrorCode
from console.widgets.common.language import install_language
from console.widgets.common.texts import refusal_text, translated


def test_in_english_the_gateways_words_stand_as_they_are() -> None:
    assert (
        refusal_text(ErrorCode.CONFLICT, "case CS-1 is at version 4, not 3")
        == "case CS-1 is at version 4, not 3"
    )
    assert refusal_text(ErrorCode.FORBIDDEN, None) == "forbidden"  # the code, when nothing else was said
    assert refusal_text(None, None) == "no reason given"


def test_in_chinese_a_summary_comes_first_and_the_gateways_words_stay_for_support(qapp: QApplication) -> None:
    language = install_language(qapp, "zh_CN")
    try:
        detail = "role supervisor may not case.reassign"
        assert refusal_text(ErrorCode.FORBIDDEN, detail) == f"当前角色无权执行此操作（{detail}）"
        assert refusal_text(ErrorCode.CONFLICT, None) == "数据已被他人修改"
        # The client's own answers (no reply in time, connection lost) say nothing the summary lacks.
        assert refusal_text("timeout", "no answer within 10 s") == "网关未及时应答"
        assert refusal_text("disconnected", "the connection was lost") == "应答前连接已中断"
        # A code the console does not know: the gateway's words, untouched.
        assert refusal_text("rate_limited", "slow down") == "slow down"
        assert refusal_text(None, None) == "未说明原因"
    finally:
        language.remove()
    assert refusal_text(ErrorCode.CONFLICT, "x") == "x"  # English again once the language is removed


def test_the_review_workflows_reasons_read_in_the_interface_language(qapp: QApplication) -> None:
    """The domain's flag rules say why not (tooltips, "Not sent: …"): in English as the gateway does."""
    flag = Flag(
        id="F-000001",
        call_id="c1",
        queue_id="q",
        agent_id="a1",
        team="red",
        caller="138****5678",
        call_started_at="2026-03-02T09:00:00.000Z",
        category=FlagCategory.COURTESY,
        severity=FlagSeverity.HIGH,
        note="",
        moment_s=None,
        flagged_by="sam",
        flagged_at="2026-03-02T09:05:00.000Z",
    )
    with pytest.raises(FlagRuleError) as skipped:
        plan_update(flag, user="quinn", status=FlagStatus.CLOSED, outcome=FlagOutcome.CONFIRMED)
    with pytest.raises(FlagRuleError) as empty:
        check_note("  ", required=True)
    english = "flag F-000001 is open: closing it now skips the workflow; it goes to in_review first"
    assert skipped.value.message.startswith(english)  # what the gateway sends, as before
    assert (translated(skipped.value.text), translated(empty.value.text)) == (
        skipped.value.message,
        "note must not be empty",
    )
    language = install_language(qapp, "zh_CN")
    try:
        assert translated(skipped.value.text).startswith("标记 F-000001 待复核：现在关闭会跳过复核流程")
        assert translated(empty.value.text) == "备注不能为空"  # the field's name translated too
    finally:
        language.remove()
