"""PDF bytes to QtPdf documents and onto printers. Nothing is written to disk on the way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QObject, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter

from earlyhelp_desktop.core.errors import EarlyHelpError
from earlyhelp_desktop.core.fileio import atomic_write

MAX_DPI = 300  # enough for text on paper; a 1200 dpi A4 page would need half a gigabyte of pixels


class PrintFailed(EarlyHelpError):
    """The printer or the PDF could not be used. Nothing was printed or recorded."""


class LoadedPdf(QObject):
    """A QPdfDocument read from memory, kept together with the buffer it reads from."""

    def __init__(self, pdf: bytes, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.buffer = QBuffer(self)
        self.buffer.setData(QByteArray(pdf))
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument(self)
        self.document.load(self.buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.document.pageCount() < 1:
            raise PrintFailed("This document could not be read, so nothing was printed. Try again.")

    @property
    def pages(self) -> int:
        return int(self.document.pageCount())


def new_printer(title: str) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    printer.setFullPage(False)
    return printer


def print_pdf(pdf: bytes, printer: QPrinter, *, on_page: Callable[[int, int], None] | None = None) -> int:
    """Prints every page of ``pdf`` on ``printer``, each scaled to fit its printable area.

    Safe on a worker thread (QPainter on a QPrinter is). Returns the number of pages printed.
    """
    loaded = LoadedPdf(pdf)
    try:
        painter = QPainter()
        if not painter.begin(printer):
            raise PrintFailed("The printer could not be started. Check it is switched on and try again.")
        try:
            dpi = min(printer.resolution(), MAX_DPI)
            for index in range(loaded.pages):
                if index and not printer.newPage():
                    raise PrintFailed("The printer stopped part way. Check it and print again.")
                size = loaded.document.pagePointSize(index)
                pixels = QSize(round(size.width() / 72 * dpi), round(size.height() / 72 * dpi))
                image = loaded.document.render(index, pixels)
                area = painter.viewport()
                scale = min(area.width() / pixels.width(), area.height() / pixels.height())
                w, h = round(pixels.width() * scale), round(pixels.height() * scale)
                target = QRect(area.x() + (area.width() - w) // 2, area.y() + (area.height() - h) // 2, w, h)
                painter.drawImage(target, image)
                if on_page is not None:
                    on_page(index + 1, loaded.pages)
        finally:
            painter.end()
        return loaded.pages
    finally:
        loaded.deleteLater()


def save_pdf(pdf: bytes, path: Path) -> None:
    """Writes the file whole or not at all (temporary file, fsync, rename), readable by its owner only."""
    try:
        atomic_write(path, pdf)
    except OSError as exc:
        raise PrintFailed(
            f"The PDF could not be saved to {path}: {exc.strerror or exc}. Nothing was saved."
        ) from exc
