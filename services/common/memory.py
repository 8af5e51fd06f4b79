"""Keep a long-running service's resident memory from creeping up under a steady load.

glibc's malloc gives each thread that allocates an arena of its own, up to eight per core. A
service's threads (the route threadpool, the session threads, the scheduler's senders) each keep
the memory they freed in their own arena, and the process's RSS grows for many minutes though
the Python heap does not (measured under `make soak`: the parties service +10 % in three minutes
with the default, half that with two arenas; Python's own allocations did not grow at all).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os

MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's <malloc.h>


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas, unless MALLOC_ARENA_MAX already did; True if capped here.

    Call it before the process starts its threads: arenas already made stay.
    """
    if "MALLOC_ARENA_MAX" in os.environ:
        return False  # the operator's own choice, which glibc applied at start
    libc = _glibc()
    if libc is None:
        return False
    return bool(libc.mallopt(_M_ARENA_MAX, arenas))


def _glibc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.gnu_get_libc_version  # noqa: B018 - only glibc has it (musl, macOS do not)
    except (OSError, AttributeError):
        return None
    return libc
