"""Text: a message made without Qt whose str() is the English the code always produced."""

from __future__ import annotations

from console.domain.texts import QT_TRANSLATE_NOOP, Text


def test_str_is_the_template_formatted_with_its_params_nested_texts_in_english() -> None:
    unit = Text("C", QT_TRANSLATE_NOOP("C", "seconds"))
    text = Text(
        "C",
        QT_TRANSLATE_NOOP("C", "{value} is out of range: {lo:g} to {hi:g} {unit}"),
        {
            "value": "2.5",
            "lo": 3.0,
            "hi": 3600.0,
            "unit": unit,
        },
    )
    assert str(text) == "2.5 is out of range: 3 to 3600 seconds"
    assert QT_TRANSLATE_NOOP("C", "literal") == "literal"
