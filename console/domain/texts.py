"""A translatable message made where Qt cannot be imported: the feed client, the layout checker.

Qt-free modules cannot call ``tr()``, yet what they report (why the feed is down, what is wrong
in a layout file) ends up on screen. They say it as a :class:`Text`: the English template, written
as ``QT_TRANSLATE_NOOP("Context", "literal")`` so that ``pyside6-lupdate`` extracts it into the
``.ts`` files like any ``tr()`` text, and its parameters kept apart. ``str()`` of a Text is the
English message (logs, exceptions and existing callers see exactly what they saw before); the
widgets show ``console.widgets.common.texts.translated(text)``, the template looked up in the
interface language and then formatted.

Parameters are numbers, names, addresses, OS error strings: whatever must not be translated. A
parameter that is itself a Text (a reason inside "…; retrying in 2 s", a unit inside "out of
range") is translated in its turn.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # the name lupdate looks for
    """``text`` unchanged: the call only marks the literal (in ``context``) for ``pyside6-lupdate``."""
    del context
    return text


@dataclass(frozen=True)
class Text:
    """A message: its translation context, its English ``str.format`` template and the parameters."""

    context: str
    template: str
    params: Mapping[str, object] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.template.format(**english_params(self.params))

    def __hash__(self) -> int:  # params is a dict: hash what identifies the message
        return hash((self.context, self.template, tuple(sorted(self.params))))


def english_params(params: Mapping[str, object]) -> dict[str, object]:
    """``params`` with every nested Text replaced by its English text."""
    return {k: str(v) if isinstance(v, Text) else v for k, v in params.items()}
