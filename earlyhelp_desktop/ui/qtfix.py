"""A guard against a reference-counting slip in PySide6 6.12 on Python 3.11.

Static Qt functions that return nothing (``QCoreApplication.processEvents``, ``QTest.qWait``,
``QCoreApplication.sendPostedEvents``...) drop one reference to ``None`` per call. On Python 3.12 and
later ``None`` is immortal and nothing happens; on 3.11 (Debian 12's Python, CI's) a long test run or a
benchmark that waits in a loop brings ``None``'s count to zero and the interpreter aborts with
"none_dealloc". The app itself calls such functions only a handful of times; tests and benchmarks call
them thousands of times. Raising the count once, for good, makes ``None`` as good as immortal, as it is
on newer Pythons. (Holding references in a list is not enough: freeing the list at exit would then
bring the count below zero.)
"""

from __future__ import annotations

import ctypes
import platform
import sys

_done: list[bool] = []


def make_none_immortal() -> None:
    """Also True and False, which a long benchmark run was seen to lose the same way."""
    if _done or sys.version_info >= (3, 12) or platform.python_implementation() != "CPython":
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += 1 << 32  # ob_refcnt: a PyObject's first field
    _done.append(True)
