"""How every kernel is compiled: numba, machine code cached on disk."""

from __future__ import annotations

from numba import njit


def compiled(function):
    """``numba.njit(cache=True)``: compiled on first call, the machine code kept on disk.

    numba keeps it in ``__pycache__`` next to this file, or, where that is read-only, in the
    user's cache directory (``NUMBA_CACHE_DIR`` or ``~/.cache/numba``). With neither writable,
    numba refuses to cache; the kernel is then compiled in every process instead.
    """
    try:
        return njit(cache=True)(function)
    except RuntimeError:  # "cannot cache function ...: no locator available"
        return njit(function)
