"""Files that hold a secret are readable by their owner only (mode 0600, folder 0700).

Used for Airflow's ``passwords.json`` (SimpleAuthManager writes plain-text passwords into
whatever file it finds, keeping that file's mode), its ``airflow.cfg`` (the Fernet key that
encrypts stored connections) and the home's email hash salt (:mod:`opspulse.hash_salt`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def private_folder(folder: Path) -> Path:
    """``folder``, created if needed, with mode 0700."""
    folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
    folder.chmod(FOLDER_MODE)
    return folder


def private_file(path: Path) -> Path:
    """``path``, created empty if it does not exist, with mode 0600 either way; never
    readable by others, not even for a moment (created with that mode)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    os.close(fd)
    path.chmod(FILE_MODE)
    return path


def write_new_private(path: Path, text: str) -> bool:
    """Write ``text`` to ``path`` (mode 0600) only if it does not exist yet; True if written.
    Two processes racing to create it: one writes, the other keeps the winner's content."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    return True


def make_private(path: Path) -> None:
    """Set an existing file's mode to 0600 (a file written by another program)."""
    with contextlib.suppress(FileNotFoundError):
        path.chmod(FILE_MODE)
