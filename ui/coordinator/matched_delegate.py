"""Shows, in the archive's victims column, the name a search matched in bold.

A search by name ranks testimonies by how alike their victims' names are to the query
(intake.testimonies.query); ``ArchiveModel`` gives the best match under ``MATCH_ROLE``. This
delegate paints the column's text as rich text with that name in bold, so a coordinator who
typed Турсун sees at a glance which of "Tursun Memet · Aygül Memet" was found. The names are
escaped (they are user content, never markup); right-to-left names keep their direction.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ui.coordinator.archive_model import MATCH_ROLE

ModelIndex = QModelIndex | QPersistentModelIndex
SEPARATOR = " · "


def highlighted_html(text: str, matched: str | None) -> str:
    """``text`` (names joined by SEPARATOR) as HTML with the ``matched`` name in bold."""
    names = text.split(SEPARATOR) if text else []
    return SEPARATOR.join(
        f"<b>{escape(name)}</b>" if matched and name == matched else escape(name) for name in names
    )


class MatchedNameDelegate(QStyledItemDelegate):
    def _document(self, option: QStyleOptionViewItem, index: ModelIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        doc.setHtml(highlighted_html(text, index.data(MATCH_ROLE)))
        doc.setDocumentMargin(2)
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        if not index.data(MATCH_ROLE):
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        doc = self._document(option, index)
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""
        style = option.widget.style() if option.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, option.palette.color(role))
        rect = option.rect
        painter.save()
        top = rect.top() + max(0, (rect.height() - int(doc.size().height())) // 2)  # centred
        painter.translate(rect.left(), top)
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        if not index.data(MATCH_ROLE):
            return super().sizeHint(option, index)
        doc = self._document(option, index)
        return QSize(int(doc.idealWidth()), int(doc.size().height()))
