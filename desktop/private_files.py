"""Files that hold the registry: readable by their owner only, never left half-written.

The database, its backups, exports with ID numbers and key material are personal data
of thousands of members. On Linux (and macOS) they are created 0600 in folders made
0700, whatever the process's umask; on Windows the data dir sits under the user's own
profile (platformdirs), whose ACL already keeps other users out, so the mode bits —
which Windows ignores beyond read-only — are left alone.

Temporaries: a file is written under a temporary name beside its target and renamed
into place, so a killed process leaves at worst a ``.part`` beside the target (removed
the next time that target is written) and never a file that looks complete. Libraries
that spool to the system temp folder (openpyxl's write-only sheets) are pointed at the
data dir's own ``tmp`` folder instead (:func:`temp_files_in`), which every start empties.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import shutil
import stat
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
#: Suffixes of temporaries written beside a target (stale ones are removed on rewrite).
TEMP_SUFFIXES = (".part", ".tmp")
#: Applies the modes only where the file system honours them.
ENFORCE_MODES = sys.platform != "win32"


def _tighten(path: Path) -> None:
    """Take every right away from group and others; the owner's bits stay as they are
    (a folder or file the user made read-only stays read-only and is refused as such)."""
    if ENFORCE_MODES:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            try:
                os.chmod(path, mode & 0o700)
            except OSError as exc:  # FAT/exFAT sticks have no modes to set
                log.debug("mode not changed on %s: %s", path.name, exc)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) 0700, or tighten an existing one."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    _tighten(path)
    return path


def make_private(path: Path) -> None:
    """Tighten an existing file to owner-only (files left by older versions were 0644)."""
    if path.exists():
        _tighten(path)


def create_private(path: Path) -> Path:
    """Create an empty file 0600 (or truncate one) before anyone writes into it.

    Created with the mode from the start (``os.open``), not chmod-ed afterwards: a
    reader must never find it readable while it is being filled.
    """
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    os.close(fd)
    make_private(path)  # an existing file keeps its mode through O_CREAT
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to a 0600 file through a temporary beside it, then rename."""
    with replacing(path) as temp:
        temp.write_bytes(data)


def temp_beside(target: Path) -> Path:
    return target.with_name(f"{target.name}.part")


def clean_stale_beside(target: Path) -> None:
    """Remove temporaries a killed earlier write of ``target`` left beside it."""
    for suffix in TEMP_SUFFIXES:
        stale = target.with_name(target.name + suffix)
        with contextlib.suppress(OSError):
            stale.unlink(missing_ok=True)


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """Yield a 0600 temporary beside ``target``; rename it into place when the block ends.

    On any error the temporary is removed and ``target`` is left as it was.
    """
    target = Path(target)
    clean_stale_beside(target)
    temp = create_private(temp_beside(target))
    try:
        yield temp
        make_private(temp)  # a writer may have replaced the file we created
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
        raise


LOCK_NAME = ".owner.lock"
# One folder per process and data dir: {root: (folder, open lock file)}; kept open for
# the life of the process, the lock tells a later start that the owner still runs.
_process_dirs: dict[Path, tuple[Path, IO[bytes]]] = {}
_DIRS_LOCK = threading.Lock()


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":  # an open file cannot be deleted there: see _owner_gone
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _owner_gone(folder: Path) -> bool:
    """True when no live process holds ``folder`` (its lock is free, or it has none)."""
    lock = folder / LOCK_NAME
    if not lock.exists():
        return True
    if sys.platform == "win32":
        try:
            lock.unlink()  # refused while the owner keeps it open
        except OSError:
            return False
        return True
    try:
        with lock.open("rb") as handle:
            return _try_lock(handle)
    except OSError:
        return False


def process_temp_dir(root: Path) -> Path:
    """This process's own folder under the data dir's ``tmp`` (0700), made once.

    Several processes may share a data dir (the window and a CLI command): each spools
    into its own folder and holds a lock in it, so a start removes only what dead
    processes left (:func:`clean_temp_dir`).
    """
    with _DIRS_LOCK:
        known = _process_dirs.get(root)
        if known is not None:
            if known[0].is_dir():
                return known[0]
            known[1].close()  # its folder went (a test's tmp_path, a cleaned data dir)
        if not _process_dirs:
            atexit.register(_remove_process_dirs)
        folder = private_dir(root / f"p{os.getpid()}-{os.urandom(4).hex()}")
        handle = (folder / LOCK_NAME).open("wb")
        _try_lock(handle)
        _process_dirs[root] = (folder, handle)
        return folder


def _remove_process_dirs() -> None:
    """At exit: this process's spool folders go, and their lock files are closed."""
    with _DIRS_LOCK:
        for folder, handle in _process_dirs.values():
            handle.close()
            shutil.rmtree(folder, ignore_errors=True)
        _process_dirs.clear()


def clean_temp_dir(root: Path) -> int:
    """Remove what killed processes left in the data dir's temp folder; returns how many
    entries went. Folders of live processes (their lock is held) are left alone."""
    removed = 0
    own = {folder for folder, _ in _process_dirs.values()}
    if root.is_dir():
        for entry in root.iterdir():
            if entry in own:
                continue
            try:
                if entry.is_dir() and not entry.is_symlink():
                    if not _owner_gone(entry):
                        continue
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
                removed += 1
            except OSError as exc:  # in use by another process (Windows): next time
                log.warning("temp file not removed: %s (%s)", entry.name, exc)
    private_dir(root)
    if removed:
        log.info("removed %d stale temporary file(s)", removed)
    return removed


_TEMPDIR_LOCK = threading.RLock()


@contextlib.contextmanager
def temp_files_in(root: Path) -> Iterator[Path]:
    """Send the ``tempfile`` module's files to this process's folder under ``root`` (the
    data dir's ``tmp``) while the block runs.

    openpyxl spools every sheet to a ``NamedTemporaryFile`` in the system temp folder
    and takes no folder argument; a killed export of an unmasked roster would leave the
    full ID numbers there, outside the data dir and its clean-up. The process-wide
    default is swapped under a lock and restored after.
    """
    folder = process_temp_dir(root)
    with _TEMPDIR_LOCK:
        previous = tempfile.tempdir
        tempfile.tempdir = str(folder)
        try:
            yield folder
        finally:
            tempfile.tempdir = previous


_app_temp: Path | None = None


def use_app_temp(root: Path) -> None:
    """Remember the open data dir's temp folder for writers not given the database (the
    import error report, made from a preview): set when a database opens."""
    global _app_temp
    _app_temp = root


@contextlib.contextmanager
def app_temp_files() -> Iterator[None]:
    """:func:`temp_files_in` the open data dir's temp folder (no-op before any open)."""
    if _app_temp is None:
        yield
        return
    with temp_files_in(_app_temp):
        yield


def mode_of(path: Path) -> int:
    """The permission bits of ``path`` (tests and ``check``)."""
    return stat.S_IMODE(path.stat().st_mode)
