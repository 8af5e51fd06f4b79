"""glibc's malloc arenas are capped in the services' processes (see services/common/memory.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from services.common.memory import _glibc, limit_malloc_arenas
from services.common.settings import PROJECT_ROOT

pytestmark = pytest.mark.skipif(_glibc() is None, reason="malloc arenas are glibc's (not here)")

# Eight threads allocate at once and hold on; then glibc describes its arenas (one <heap> each).
PROGRAM = """
import ctypes, ctypes.util, sys, tempfile, threading
from services.common.memory import limit_malloc_arenas
if sys.argv[1] == "capped":
    assert limit_malloc_arenas()
ready, done = threading.Barrier(9), threading.Event()
def allocate():
    kept = [bytearray(64) for _ in range(1000)]
    ready.wait()
    done.wait()
threads = [threading.Thread(target=allocate) for _ in range(8)]
for thread in threads:
    thread.start()
ready.wait()
libc = ctypes.CDLL(ctypes.util.find_library("c"))
libc.fopen.restype = ctypes.c_void_p
with tempfile.NamedTemporaryFile(suffix=".xml") as report:
    stream = libc.fopen(report.name.encode(), b"w")
    libc.malloc_info(0, ctypes.c_void_p(stream))
    libc.fclose(ctypes.c_void_p(stream))
    print(open(report.name).read().count("<heap nr="))
done.set()
"""


def arenas(mode: str) -> int:
    env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
    result = subprocess.run(
        [sys.executable, "-c", PROGRAM, mode],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return int(result.stdout)


def test_a_service_process_keeps_to_two_malloc_arenas() -> None:
    assert arenas("capped") <= 2
    assert arenas("default") > 2  # what the cap is for: a thread's first malloc makes an arena


def test_an_operators_malloc_arena_max_is_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert limit_malloc_arenas() is False
