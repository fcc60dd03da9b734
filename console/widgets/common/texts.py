"""A :class:`console.domain.texts.Text` (a message made without Qt) in the interface language.

The Qt-free modules mark their templates with ``QT_TRANSLATE_NOOP``, so lupdate has put them in
the ``.ts`` files under their context; here the template is looked up like any ``tr()`` text and
formatted with the parameters, a nested Text translated in its turn.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from console.domain.texts import Text

#: Looks a source text up in a context: QCoreApplication.translate, or a lone translator's.
Lookup = Callable[[str, str], str]


def translated(text: Text, lookup: Lookup | None = None) -> str:
    """``text`` in the installed language (through ``lookup`` when given); English without a translator.

    ``lookup`` serves before the application exists (``console.app`` prints a layout error before
    anything Qt is made): see ``console.widgets.common.language.lookup_in``.
    """
    find = lookup or _installed
    params = {k: translated(v, find) if isinstance(v, Text) else v for k, v in text.params.items()}
    return find(text.context, text.template).format(**params)


def translated_or(text: Text | None, english: str | None) -> str:
    """``text`` translated, or ``english`` as it is (a message made before Texts, e.g. by a test double)."""
    if text is not None:
        return translated(text)
    return english or ""


def sentence(text: str) -> str:
    """A reason as a sentence: capitalised, ending with a full stop (a Chinese one after Chinese)."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if text.endswith((".", "!", "?", "。", "！", "？")):
        return text
    return text + ("。" if _wide(text[-1]) else ".")


def _wide(ch: str) -> bool:
    """A CJK character or punctuation mark: what a Chinese sentence ends with."""
    return "\u2e80" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef" or "\u3000" <= ch <= "\u303f"


def _installed(context: str, template: str) -> str:
    # The one call with a variable text: the templates are literals at their QT_TRANSLATE_NOOP.
    return QCoreApplication.translate(context, template)
