"""stdout as the shell left it: closed (``>&-``), full (``/dev/full``) or a pipe whose
reader left (``| head``). Imported at start-up: nothing but the standard library."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import sys


def reader_left() -> None:
    """Send what is left of stdout nowhere (the pipe's reader is gone, ``| head``, or the
    disk is full), so Python's last flush at exit cannot fail with a traceback."""
    # no descriptor behind stdout (closed, or a test's buffer): nothing to send away
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def stdout_failed(exc: OSError) -> str:
    """The one line for data that could not reach stdout (exit 3: nothing was written)."""
    return f"cannot write to stdout: {exc.strerror or exc} (name a file with -o FILE)"


class ClosedStdout(io.TextIOBase):
    """What ``sys.stdout`` is when the shell closed it (``>&-``): Python gives None, and
    click would then drop the data without a word. Writing is an error; flushing nothing
    is not, so a run that writes its data to ``-o FILE`` still works."""

    def writable(self) -> bool:
        return True

    failed = False  # something was written and lost

    def write(self, text: str) -> int:
        self.failed = True
        raise OSError(errno.EBADF, "it is closed")


def stdout_broken(exc: OSError) -> bool:
    """``exc`` came from writing to a closed or full stdout (click's echo, which prints
    help and data), not from the run's own work."""
    if getattr(sys.stdout, "failed", False):
        return True
    frame = exc.__traceback__
    while frame is not None:
        code = frame.tb_frame.f_code
        if code.co_name == "echo" and code.co_filename.endswith(ECHO_FILE):
            return True
        frame = frame.tb_next
    return False


ECHO_FILE = os.path.join("click", "utils.py")
