"""The interface language: English (the source texts) or simplified Chinese, chosen once at start.

The choice, strongest first: ``--lang``; then the one made in View ▸ Language, remembered in the
console's QSettings (``view/language``); then the system locale (Chinese → ``zh_CN``, else ``en``).

``install_language`` puts the console's translator (``i18n/console_LANG.qm`` in
``console.resources``) and Qt's own (``qtbase_LANG.qm``: standard buttons and dialogs) on the
application and makes the language's locale Qt's default, so what Qt formats (numbers, dates)
follows it too. It runs before the first widget is built: widgets take their words when they are
made. That is also why a choice in the menu applies from the next start: nothing is re-translated
live.

The translations are Qt Linguist files made by ``make translations`` (docs/architecture.md, "A new
translation"); tests/test_translations.py fails when one is out of date or unfinished.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

log = logging.getLogger(__name__)

#: The interface languages, as ``--lang`` and the settings name them.
LANGUAGES = ("en", "zh_CN")
#: The language of the source texts: it needs no translator.
SOURCE_LANGUAGE = "en"
#: Where the menu's choice is remembered, beside the window's layout.
LANGUAGE_KEY = "view/language"
#: The compiled translations: package data of console.resources (the folder resources/ in the
#: repository); a Path, as pip installs a wheel unpacked (see resources/__init__.py).
I18N_DIR = Path(str(files("console.resources") / "i18n"))

_PROPERTY = "consoleLanguage"  # the installed language's code, kept on the application
#: The locale Qt formats with in each language. English is the United States' unless the system
#: itself speaks some English (an en_GB desk keeps its own dates).
_LOCALES = {"en": "en_US", "zh_CN": "zh_CN"}


def language_name(code: str) -> str:
    """The language's own name, as the menu lists it: a reader finds their language in any interface.

    Through Qt's translation like every word a user reads; the translations keep the names as
    they are.
    """
    names = {
        "en": QCoreApplication.translate("Language", "English"),
        "zh_CN": QCoreApplication.translate("Language", "简体中文"),
    }
    return names.get(code, code)


def check_language(code: str) -> str:
    """``code`` if the console speaks it; ValueError with the choices otherwise."""
    if code not in LANGUAGES:
        choices = " and ".join(f"{c} ({language_name(c)})" for c in LANGUAGES)
        raise ValueError(f"{code!r}: not a language of the console, which speaks {choices}")
    return code


def language_of(locale: QLocale) -> str:
    """The interface language for a locale: Chinese (any script or region) → zh_CN, else English."""
    return "zh_CN" if locale.language() == QLocale.Language.Chinese else "en"


def stored_language(settings: QSettings) -> str | None:
    """The language chosen in the menu, if any (an unknown value, e.g. from a hand edit, is ignored)."""
    code = str(settings.value(LANGUAGE_KEY, "") or "")
    return code if code in LANGUAGES else None


def store_language(settings: QSettings, code: str) -> None:
    """Remember ``code`` for the next start (written at once: the layout is saved only on close)."""
    settings.setValue(LANGUAGE_KEY, check_language(code))
    settings.sync()


def choose_language(given: str | None, settings: QSettings, system: QLocale | None = None) -> str:
    """``--lang`` if given, else the remembered choice, else the system locale's (``system``)."""
    if given is not None:
        return check_language(given)
    return stored_language(settings) or language_of(QLocale.system() if system is None else system)


def locale_for(code: str) -> QLocale:
    """The locale Qt formats numbers and dates with under ``code``."""
    system = QLocale.system()
    if code == "en" and system.language() == QLocale.Language.English:
        return system
    return QLocale(_LOCALES[check_language(code)])


@dataclass
class InstalledLanguage:
    """A language put on the application; ``remove`` takes it off again (the tests run many consoles)."""

    code: str
    previous_locale: QLocale
    translators: list[QTranslator] = field(default_factory=list)

    def remove(self) -> None:
        app = QCoreApplication.instance()
        for translator in self.translators:
            if app is not None:
                app.removeTranslator(translator)
        self.translators.clear()
        QLocale.setDefault(self.previous_locale)
        if app is not None:
            app.setProperty(_PROPERTY, "")


def install_language(app: QCoreApplication, code: str) -> InstalledLanguage:
    """The console's and Qt's translators for ``code`` on ``app``, and its locale as Qt's default.

    Call it before any widget is made. A translation that cannot be loaded is logged and left out:
    the console still runs, in the source language where a translation is missing.
    """
    check_language(code)
    installed = InstalledLanguage(code, previous_locale=QLocale())
    if code != SOURCE_LANGUAGE:
        wanted = (
            (f"console_{code}", str(I18N_DIR)),
            (f"qtbase_{code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)),
        )
        for name, folder in wanted:
            translator = QTranslator(app)  # the application keeps it alive
            if translator.load(name, folder) and app.installTranslator(translator):
                installed.translators.append(translator)
            else:
                log.warning("no translation %s in %s: those texts stay in English", name, folder)
    QLocale.setDefault(locale_for(code))
    app.setProperty(_PROPERTY, code)
    return installed


def lookup_in(code: str) -> Callable[[str, str], str]:
    """A lookup of source texts in the console's translation to ``code``, needing no application.

    For what is said before the translators are installed (``console.app`` refuses a bad layout
    file before it starts anything): the source text itself where the translation lacks it, and for
    the source language.
    """
    check_language(code)
    translator = QTranslator()
    if code == SOURCE_LANGUAGE or not translator.load(f"console_{code}", str(I18N_DIR)):
        if code != SOURCE_LANGUAGE:
            log.warning("no translation console_%s in %s: those texts stay in English", code, I18N_DIR)
        return lambda _context, text: text

    def lookup(context: str, text: str) -> str:
        return translator.translate(context, text) or text  # "" when the translation lacks it

    return lookup


def current_language() -> str:
    """The language installed on the application (the source language before any)."""
    app = QCoreApplication.instance()
    code = app.property(_PROPERTY) if app is not None else None
    return code if isinstance(code, str) and code in LANGUAGES else SOURCE_LANGUAGE
