"""WAL checkpoints on a background thread, so no commit waits for one.

SQLite's automatic checkpoint runs inside the commit that pushes the write-ahead log past
1000 pages: it copies every logged page into the database file and syncs it. After a bulk
write (an import, a sync package, the demo) that is ~190 MB for 100k members, and the
clerk's dialog would wait 0.4-0.7 s for work that changes nothing she sees. So the app's
connections turn the automatic checkpoint off (``PRAGMA wal_autocheckpoint = 0``) and
every write transaction asks this thread for a PASSIVE checkpoint once it has committed.

PASSIVE never blocks or waits for readers and writers: it copies what it can and the next
request copies the rest. Nothing is less durable: a committed transaction is in the log
either way, and SQLite replays the log after a crash. When the last connection closes,
SQLite checkpoints whatever remains and deletes the log, so ``close`` only has to let a
running checkpoint finish.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from desktop.errors import DatabaseKeyError
from desktop.storage import rawconn

log = logging.getLogger(__name__)


# A checkpoint that could not copy every frame (a reader held some back) is tried again
# this many times, this far apart, before waiting for the next request.
RETRIES = 5
RETRY_SECONDS = 0.02


class BackgroundCheckpointer:
    """One daemon thread per database file, started on the first request."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._changed = threading.Condition()
        self._requested = 0  # requests made
        self._done = 0  # requests a finished checkpoint has answered
        self._closing = False
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        with self._changed:
            return self._thread is not None

    def request(self) -> None:
        """Checkpoint soon; many requests before the thread wakes make one checkpoint."""
        with self._changed:
            if self._closing:
                return
            self._requested += 1
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="uniondesk-checkpoint", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()

    def flush(self) -> None:
        """Until every request made so far has had its checkpoint."""
        with self._changed:
            target = self._requested
            self._changed.wait_for(lambda: self._done >= target or self._thread is None)

    def close(self) -> None:
        """Let a running checkpoint finish; pending requests are left to SQLite's close."""
        with self._changed:
            self._closing = True
            thread = self._thread
            self._changed.notify_all()
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        try:
            con = rawconn.connect(self._path, autocommit=True)
        except (*rawconn.Error, DatabaseKeyError) as exc:  # the next request tries again
            log.warning("background WAL checkpoint could not open the database: %s", exc)
            self._stopped()
            return
        try:
            while True:
                with self._changed:
                    self._changed.wait_for(lambda: self._closing or self._requested > self._done)
                    if self._closing:
                        return
                    target = self._requested
                try:
                    self._checkpoint(con, target)
                except rawconn.Error as exc:  # e.g. a full disk: the log keeps the data
                    log.warning("background WAL checkpoint failed: %s", exc)
                with self._changed:
                    self._done = target
                    self._changed.notify_all()
        finally:
            con.close()
            self._stopped()

    def _checkpoint(self, con: rawconn.Connection, target: int) -> None:
        """A PASSIVE checkpoint, tried again a few times while a reader that was there a
        moment ago kept some frames in the log (PASSIVE never waits for one): otherwise
        the last commit's pages would stay only in the log until the next write."""
        for attempt in range(RETRIES + 1):
            busy, logged, copied = con.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            if busy == 0 and copied >= logged:
                return
            with self._changed:
                if self._closing or self._requested > target:
                    return  # closing, or a newer request will checkpoint again anyway
            if attempt < RETRIES:
                time.sleep(RETRY_SECONDS)

    def _stopped(self) -> None:
        with self._changed:
            self._thread = None
            self._done = self._requested
            self._changed.notify_all()
