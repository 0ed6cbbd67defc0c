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


#: Qt 6 contexts whose texts the catalogue still holds under their Qt 5 class: the file
#: dialog's 类型 column asks ``QAbstractFileIconProvider`` for "Folder", "Drive" and "%1
#: File", which ``qtbase_zh_CN`` has under ``QFileDialog``.
RENAMED_CONTEXTS = {"QAbstractFileIconProvider": "QFileDialog"}


class CatalogueFallback(QTranslator):
    """Answers for source texts the catalogue knows only in an older shape.

    Qt 6.12 asks for some texts the catalogue (last updated for older sources) holds
    differently, and the clerk would read them in English:

    * with a mnemonic it lacks — the file dialog's "&Look in:" and "Files of &type:" are
      in it as "Look in:" and "Files of type:". This asks for the text without the ``&``
      and puts the mnemonic back the Chinese way: 查找范围(&L)：
    * under a class renamed since (:data:`RENAMED_CONTEXTS`): asked under the old one.
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
        if context in RENAMED_CONTEXTS:
            found = self.catalogue.translate(RENAMED_CONTEXTS[context], source, disambiguation, n)
            return found or source
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
            fallback = CatalogueFallback(translator, app)
            app.installTranslator(fallback)  # asked last: installed first
            app.installTranslator(translator)
            _installed.extend((translator, fallback))
        else:
            log.warning("Qt translation %s_zh_CN not found in %s", name, folder)
    return bool(_installed)
