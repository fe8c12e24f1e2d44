"""Run the ``dedup`` command line on a hostile input, bounded, as a user's shell would.

Shared by the ``tests/test_hostile_*.py`` files (issue 18): each test makes its input in a
temporary directory, runs the command in a subprocess with a time limit and an address-space
limit, and checks the exit code and that stderr names the input without a traceback.

>>> proc = run_dedup(["--version"])
>>> proc.returncode
0
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

# seconds per command: a hang guard, not a speed test (a quiet machine runs each in 1-3 s; the
# super-linear inputs it guards against took minutes to hours), with room for a loaded machine
TIME_LIMIT = 60.0
MEMORY_LIMIT = 3 << 30  # bytes of address space per command (NumPy and scikit-learn map ~1 GiB)


def _limit_memory(limit: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def run_dedup(args: Sequence[str], cwd: str | Path | None = None, stdin: bytes | None = None,
              timeout: float = TIME_LIMIT, memory: int = MEMORY_LIMIT,
              env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m dedup.cli ARGS`` in a subprocess, killed after ``timeout`` seconds (the test then
    fails with ``subprocess.TimeoutExpired``), its address space capped at ``memory`` bytes.
    stdout and stderr are returned as bytes (file names in them need not be UTF-8)."""
    return subprocess.run([sys.executable, "-m", "dedup.cli", *map(os.fsdecode, args)], cwd=cwd, input=stdin,
                          capture_output=True, timeout=timeout, env=env,
                          preexec_fn=lambda: _limit_memory(memory), check=False)


def assert_refused(proc: subprocess.CompletedProcess, name: str | bytes, code: int | None = None) -> str:
    """Check that stderr names ``name`` and holds no traceback (and the exit code, when given);
    return stderr as text (undecodable bytes escaped)."""
    err = proc.stderr.decode("utf-8", "backslashreplace")
    assert "Traceback" not in err, err
    shown = name if isinstance(name, str) else name.decode("utf-8", "backslashreplace")
    assert shown in err, f"{shown!r} not named in stderr: {err!r}"
    if code is not None:
        assert proc.returncode == code, (proc.returncode, err)
    return err
