"""Previewing, printing and saving documents from the app (the core makes the PDF bytes).

* ``PdfPreviewDialog``: a document on screen (QtPdf), then Print (the system print dialog, QPrinter) or
  Save as PDF (with a warning that the file leaves the encrypted store). Each print or save goes through
  an *issuer* (a documents-service call) so it is recorded and audited with the delivery.
* ``BatchPrintDialog``: many plans at once (e.g. every review this week) with a progress bar and Cancel.
* ``print_pdf``: renders PDF pages onto a QPrinter.

Work that touches the store runs through a *runner* with the signature of ``Tasks.db`` (function,
on_done, on_error), so the database stays on its own worker; ``ThreadRunner`` is a stand-in for tests.
"""
