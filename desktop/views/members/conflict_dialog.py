"""Another clerk saved the member first: show what differs and let this clerk choose.

The member dialog opens this (window-modal, ``open()``, never a blocking ``exec()``)
when ``members.update`` refuses with ``EditConflictError``. It lists the differences the
service found — 字段 / 对方保存的值 / 您填写的值, ID numbers and phones already masked by
the service — and offers three ways on, reported by ``chosen``:

- 「重新载入」 (``RELOAD``): load the other clerk's version; this clerk's typing is lost
  (the member dialog asks once more before it throws it away);
- 「仍然保存」 (``SAVE_ANYWAY``): save this clerk's values over theirs, knowingly, on the
  version now stored;
- 「取消」 (``CANCEL``, also Esc and the close box): back to the member dialog, its
  typing kept, nothing saved.

Nothing is ever overwritten without one of these choices.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.errors import EditConflictError

RELOAD = "reload"
SAVE_ANYWAY = "save_anyway"
CANCEL = "cancel"
HEADERS = ("字段", "对方保存的值", "您填写的值")


class ConflictDialog(QDialog):
    """The differences of one refused save and the three choices."""

    chosen = Signal(str)

    def __init__(self, error: EditConflictError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("该会员已被他人修改")
        self.choice = CANCEL
        layout = QVBoxLayout(self)
        intro = QLabel(
            "在您编辑期间，另一位工作人员（或收到的同步数据）已保存了这位会员的记录。"
            "以下是对方保存的内容与您填写的内容不同之处：",
            self,
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTableWidget(len(error.differences), len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(list(HEADERS))
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for row, difference in enumerate(error.differences):
            for column, value in enumerate((difference.label, difference.theirs, difference.yours)):
                self.table.setItem(row, column, QTableWidgetItem(value))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table)
        hint = QLabel(
            "「重新载入」显示对方保存的内容（您填写的内容将不再保留）；"
            "「仍然保存」用您填写的内容覆盖对方的修改；「取消」返回继续编辑，不保存。",
            self,
        )
        hint.setWordWrap(True)
        layout.addWidget(hint)
        buttons = QDialogButtonBox(self)
        self.reload_button = self._button(buttons, "重新载入", RELOAD)
        self.save_anyway_button = self._button(buttons, "仍然保存", SAVE_ANYWAY)
        self.cancel_button = self._button(buttons, "取消", CANCEL)
        self.cancel_button.setDefault(True)  # the safe way on: nothing changes
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _button(self, box: QDialogButtonBox, label: str, choice: str) -> QPushButton:
        role = (
            QDialogButtonBox.ButtonRole.RejectRole
            if choice == CANCEL
            else QDialogButtonBox.ButtonRole.AcceptRole
        )
        button = box.addButton(label, role)
        button.clicked.connect(lambda: self._choose(choice))
        return button

    def _choose(self, choice: str) -> None:
        self.choice = choice
        if choice == CANCEL:
            self.reject()
        else:
            self.accept()

    def done(self, result: int) -> None:
        """Every way out (a button, Esc, the close box) reports the choice once."""
        super().done(result)
        if int(getattr(result, "value", result)) != QDialog.DialogCode.Accepted.value:
            self.choice = CANCEL
        self.chosen.emit(self.choice)

    def rows(self) -> list[tuple[str, ...]]:
        """The table as shown (for tests and for reading aloud)."""
        return [
            tuple(self._cell(row, column) for column in range(len(HEADERS)))
            for row in range(self.table.rowCount())
        ]

    def _cell(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return "" if item is None else item.text()
