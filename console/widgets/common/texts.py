"""A :class:`console.domain.texts.Text` (a message made without Qt) in the interface language.

The Qt-free modules mark their templates with ``QT_TRANSLATE_NOOP``, so lupdate has put them in
the ``.ts`` files under their context; here the template is looked up like any ``tr()`` text and
formatted with the parameters, a nested Text translated in its turn.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication

from console.domain.entities import FlagCategory, FlagSeverity
from console.domain.texts import QT_TRANSLATE_NOOP, Text
from console.feeds.client.feed_client import ACK_DISCONNECTED, ACK_TIMEOUT
from console.feeds.protocol import ErrorCode
from console.widgets.common.language import SOURCE_LANGUAGE, current_language

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


def installed_lookup(context: str, template: str) -> str:
    """A source text in the installed language: the lookup Qt-free renderers take (day reports)."""
    return _installed(context, template)


def _installed(context: str, template: str) -> str:
    # The one call with a variable text: the templates are literals at their QT_TRANSLATE_NOOP.
    return QCoreApplication.translate(context, template)


# -- refusals ---------------------------------------------------------------------------------------

#: What each error code of a failed ack means, in words a supervisor reads (protocol.ErrorCode, and
#: the feed client's own "timeout" and "disconnected" for a command with no answer).
_REFUSALS: dict[str, str] = {
    ErrorCode.FORBIDDEN: QT_TRANSLATE_NOOP("Refusal", "Your role may not do this"),
    ErrorCode.CONFLICT: QT_TRANSLATE_NOOP("Refusal", "Changed meanwhile"),
    ErrorCode.NOT_FOUND: QT_TRANSLATE_NOOP("Refusal", "No longer there"),
    ErrorCode.INVALID_STATE: QT_TRANSLATE_NOOP("Refusal", "Not possible in its current state"),
    ErrorCode.BAD_ARGS: QT_TRANSLATE_NOOP("Refusal", "Not a valid request"),
    ErrorCode.UNKNOWN_ACTION: QT_TRANSLATE_NOOP("Refusal", "Not supported by this gateway"),
    ErrorCode.UNAVAILABLE: QT_TRANSLATE_NOOP("Refusal", "The gateway cannot do it now"),
    ErrorCode.INTERNAL: QT_TRANSLATE_NOOP("Refusal", "The gateway failed"),
    ErrorCode.NOT_AUTHENTICATED: QT_TRANSLATE_NOOP("Refusal", "Not signed in"),
    ACK_TIMEOUT: QT_TRANSLATE_NOOP("Refusal", "No answer from the gateway in time"),
    ACK_DISCONNECTED: QT_TRANSLATE_NOOP("Refusal", "The connection was lost before the answer"),
}
#: Codes whose message the feed client wrote itself (in English, with nothing the label lacks).
_LOCAL_CODES = frozenset({ACK_TIMEOUT, ACK_DISCONNECTED})


def refusal_text(code: str | None, message: str | None) -> str:
    """Why a command failed, for the user: the gateway's own words in English, as they were.

    In another language the gateway's words (English: it serves every console alike) follow
    a translated summary of the code, so the reader knows what happened and support still
    gets the exact reason.
    """
    label = _REFUSALS.get(code or "")
    if label is None or current_language() == SOURCE_LANGUAGE:
        return message or code or QCoreApplication.translate("Refusal", "no reason given")
    summary = QCoreApplication.translate("Refusal", label)
    if not message or code in _LOCAL_CODES:
        return summary
    return QCoreApplication.translate("Refusal", "{summary} ({detail})").format(
        summary=summary, detail=message
    )


# -- quality flags' words (context "quality"): the review queue's and an agent's timeline ---------


def category_label(category: FlagCategory) -> str:
    labels = {
        FlagCategory.COMPLIANCE: QCoreApplication.translate("quality", "Compliance and required disclosures"),
        FlagCategory.DATA_PROTECTION: QCoreApplication.translate("quality", "Customer-data protection"),
        FlagCategory.COURTESY: QCoreApplication.translate("quality", "Courtesy and attitude"),
        FlagCategory.INCORRECT_INFO: QCoreApplication.translate("quality", "Incorrect information"),
        FlagCategory.COMPLAINT_HANDLING: QCoreApplication.translate("quality", "Complaint handling"),
        FlagCategory.PROCESS: QCoreApplication.translate("quality", "Process not followed"),
        FlagCategory.COMMENDATION: QCoreApplication.translate("quality", "Commendation"),
    }
    return labels.get(category, str(category))


def severity_label(severity: FlagSeverity) -> str:
    labels = {
        FlagSeverity.LOW: QCoreApplication.translate("quality", "Low"),
        FlagSeverity.MEDIUM: QCoreApplication.translate("quality", "Medium"),
        FlagSeverity.HIGH: QCoreApplication.translate("quality", "High"),
        FlagSeverity.CRITICAL: QCoreApplication.translate("quality", "Critical"),
    }
    return labels.get(severity, str(severity))
