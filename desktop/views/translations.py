"""Qt's own texts in Chinese: the ``qtbase_zh_CN`` catalogue that ships with PySide6.

Without it QMessageBox says OK/Yes/No and QFileDialog "Look in / File name"; the clerk
reads no English. Loaded once where the application is made (``app.application``).
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QLocale, QObject, QTranslator
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

LOCALE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)
CATALOGUES = ("qtbase",)
_installed: list[QTranslator] = []


class MnemonicFallback(QTranslator):
    """Answers for source texts the catalogue knows only without their ``&`` mnemonic.

    Qt 6.12's file dialog asks for "&Look in:" and "Files of &type:" while
    ``qtbase_zh_CN`` (last updated for older sources) has "Look in:" and "Files of
    type:"; so the file dialog would keep two English labels. This asks the catalogue for
    the text without the ``&`` and puts the mnemonic back the Chinese way: 查找范围(&L)：
    """

    def __init__(self, catalogue: QTranslator, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.catalogue = catalogue

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        # Asked last (installed first), so "no translation" can be the source text itself:
        # that is what Qt shows anyway. (Returning None would be the null string Qt wants,
        # but PySide6 then frees None once too often and the interpreter aborts at exit.)
        if "&" not in source or "&&" in source:
            return source
        at = source.index("&")
        key = source[at + 1 : at + 2].upper()
        plain = source.replace("&", "", 1)
        found = self.catalogue.translate(context, plain, disambiguation, n)
        if not found or not key:
            return source
        colon = found[-1] if found.endswith(("：", ":")) else ""
        body = found[: len(found) - len(colon)]
        return f"{body}(&{key}){colon}"


def translations_dir() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))


def install_chinese(app: QApplication) -> bool:
    """Install Qt's Simplified-Chinese catalogues once; False when none was found.

    The translators are kept referenced here: Qt does not own them, and a collected
    translator silently falls back to English.
    """
    if _installed:
        return True
    QLocale.setDefault(LOCALE)
    folder = str(translations_dir())
    for name in CATALOGUES:
        translator = QTranslator(app)
        if translator.load(LOCALE, name, "_", folder):
            fallback = MnemonicFallback(translator, app)
            app.installTranslator(fallback)  # asked last: installed first
            app.installTranslator(translator)
            _installed.extend((translator, fallback))
        else:
            log.warning("Qt translation %s_zh_CN not found in %s", name, folder)
    return bool(_installed)
