"""A refused command in words: the gateway's own in English, summed up first in another language."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from console.feeds.protocol import ErrorCode
from console.widgets.common.language import install_language
from console.widgets.common.texts import refusal_text


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
