"""Print commands: the family plan and the professional documents, saved as PDF files.

::

    earlyhelp print plan --store DIR --as NAME REF_OR_ID --out FILE.pdf [--large-print]
    earlyhelp print assessment|review|closure --store DIR --as NAME REF_OR_ID --out FILE.pdf \
        [--for-agency NAME]

The file is written to a temporary file beside FILE and renamed only when whole, inside the same
transaction that records the print: an error leaves no file (and no issued version or audit event).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from pathlib import Path

from earlyhelp_desktop.cli.common import Context, UsageError, add_store
from earlyhelp_desktop.core.fileio import fsync_dir
from earlyhelp_desktop.core.services.documents import PrintedDocument

KINDS = ("assessment", "review", "closure")


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    printing = commands.add_parser(
        "print", help="save the family plan or a professional document as a PDF"
    ).add_subparsers(dest="print_command", metavar="DOCUMENT", required=True)

    p = printing.add_parser("plan", help='"Our family plan": issues a new numbered version to the family')
    add_store(p)
    p.add_argument("family", metavar="REF_OR_ID")
    p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to save the PDF")
    p.add_argument("--large-print", action="store_true", help="body text at 16 pt or more")
    p.set_defaults(handler=print_plan)

    for kind, help_text in (
        ("assessment", "the assessment summary"),
        ("review", "the record of the latest review"),
        ("closure", "the closure summary"),
    ):
        p = printing.add_parser(kind, help=f"{help_text}, for professionals")
        add_store(p)
        p.add_argument("family", metavar="REF_OR_ID")
        p.add_argument("--out", required=True, metavar="FILE.pdf", help="where to save the PDF")
        p.add_argument(
            "--for-agency",
            metavar="NAME",
            help="the partner agency it is for: printed only if the family agreed to share it with them",
        )
        p.set_defaults(handler=print_professional, kind=kind)


def check_destination(out: str) -> Path:
    """The output path, refused early (before unlocking) if it cannot be written."""
    path = Path(out).expanduser()
    if not path.name or path.is_dir():
        raise UsageError(f"Cannot save to {out}: give a file name, for example plan.pdf")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise UsageError(f"Cannot save to {out}: the folder {folder} does not exist. Nothing was printed.")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UsageError(
            f"Cannot save to {out}: you cannot write to the folder {folder}. Nothing was printed."
        )
    return path


class Saver:
    """Writes a document to ``path`` via a temporary file, renamed only when complete."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.saved: PrintedDocument | None = None

    def __call__(self, document: PrintedDocument) -> None:
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        except OSError as exc:
            raise UsageError(f"Cannot save to {self.path}: {exc.strerror}. Nothing was printed.") from exc
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(document.pdf)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise UsageError(f"Cannot save to {self.path}: {exc.strerror}. Nothing was printed.") from exc
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        fsync_dir(self.path.parent)
        self.saved = document


def print_plan(ctx: Context) -> int:
    path = check_destination(ctx.args.out)
    saver = Saver(path)
    ws = ctx.unlock()
    try:
        family_id = ws.services.families.resolve(ctx.args.family)
        document = ws.services.documents.issue_plan(
            family_id, channel="pdf", large_print=ctx.args.large_print, deliver=saver
        )
    finally:
        ws.lock()
    size = "large print, " if ctx.args.large_print else ""
    ctx.say(f"Saved version {document.number} of the family plan ({size}{_pages(document.pages)}) to {path}")
    ctx.stderr.write("This PDF is outside the encrypted store: keep it safe and delete it when done.\n")
    return 0


def print_professional(ctx: Context) -> int:
    path = check_destination(ctx.args.out)
    saver = Saver(path)
    ws = ctx.unlock()
    try:
        family_id = ws.services.families.resolve(ctx.args.family)
        document = ws.services.documents.print_document(
            ctx.args.kind, family_id, channel="pdf", for_agency=ctx.args.for_agency, deliver=saver
        )
    finally:
        ws.lock()
    ctx.say(
        f"Saved the {document.title.lower()} for {document.prepared_for} ({_pages(document.pages)}) to {path}"
    )
    ctx.stderr.write("This PDF is outside the encrypted store: keep it safe and delete it when done.\n")
    return 0


def _pages(count: int) -> str:
    return f"{count} page{'s' if count != 1 else ''}"
