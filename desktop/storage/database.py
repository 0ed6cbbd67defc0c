"""The SQLite engine and one open file: pragmas, transactions, upgrades and backups.

The one module that knows the registry is a SQLite file. Order on open: the data dir
must be writable; an existing file must carry SQLite's header; its Alembic revision must
be one this version knows (a newer one is refused and the file is never touched); an
older one is copied to ``backups/`` and then upgraded in one transaction by the
caller's ``migrate`` step; the caller's ``on_open`` step runs last (``desktop.opening``
binds the sync identity there, so a copied or restored database takes a fresh identity
before its first write).

A damaged file is never trusted (``desktop.storage.health``): it is checked on open (before
anything is read when small, on a thread when large), again before every backup and
bulk write, and refused with a message naming the last good backup. Files are owner-only
(``desktop.private_files``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import ExceptionContext

from desktop import __version__
from desktop.clock import Clock
from desktop.clock import current as current_clock
from desktop.config import Paths, ensure_writable
from desktop.errors import DatabaseError, StorageFullError, storage_error
from desktop.private_files import (
    clean_stale_beside,
    clean_temp_dir,
    create_private,
    make_private,
    private_dir,
    use_app_temp,
)
from desktop.storage import backups as backup_files
from desktop.storage import (
    encrypting,
    engines,
    keys,
    page_cache,
    planner_stats,
    presence,
    rawconn,
    write_wait,
)
from desktop.storage import health as db_health
from desktop.storage.checkpoints import BackgroundCheckpointer
from desktop.storage.health import BackgroundCheck, HealthState
from desktop.storage.migrations import MIGRATIONS_DIR, head_revision, known_revisions
from desktop.storage.write_guard import install as install_write_guard

if TYPE_CHECKING:  # the ORM costs ~0.3 s to import; the start-up path never needs it
    from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

SQLITE_HEADER = b"SQLite format 3\x00"
#: Seconds a writer waits for another connection's write to end ("database is locked").
BUSY_TIMEOUT = 10.0
#: Milliseconds the planner's statistics wait for another connection's write: they are
#: only an aid to speed, and a close must not hang on them.
STATS_BUSY_MS = 250
#: Backups kept by count when the office set none (``storage.backups`` rotates them).
KEEP_BACKUPS = backup_files.DEFAULT_KEEP


def _on_connect(dbapi_conn: rawconn.Connection, _record: object) -> None:
    # Take transaction control from the sqlite3 module so BEGIN/COMMIT are ours (DDL in
    # migrations stays inside the transaction) — SQLAlchemy's documented pysqlite recipe.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in (
        "PRAGMA foreign_keys = ON",
        "PRAGMA journal_mode = WAL",
        "PRAGMA synchronous = NORMAL",
        "PRAGMA temp_store = MEMORY",
        f"PRAGMA cache_size = -{page_cache.CACHE_KIB}",
        # checkpoints run on ``BackgroundCheckpointer``'s thread, never inside a commit;
        # a log grown by a bulk write is cut back to 64 MB when it restarts
        "PRAGMA wal_autocheckpoint = 0",
        "PRAGMA journal_size_limit = 67108864",
        # the planner's statistics are sampled, never a full pass (storage/planner_stats.py)
        f"PRAGMA analysis_limit = {planner_stats.ANALYSIS_LIMIT}",
    ):
        cur.execute(pragma)
    cur.close()


def _on_begin(conn: Connection) -> None:
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    write_wait.begin(conn, mode)  # a write waits for another writer under a policy


def make_engine(
    path: Path, *, busy_timeout: float | None = None, key: bytes = rawconn.AUTO
) -> Engine:
    """The engine for ``path``: its key, our pragmas, our BEGIN, errors a clerk can read.

    Every connection comes from ``rawconn.connect`` (SQLCipher: keyed and proved before
    our pragmas run); the dialect is SQLAlchemy's pysqlite one over SQLCipher's DB-API
    module (``module=``), so its errors are wrapped and translated like sqlite3's.
    ``key``: the database key (``rawconn.AUTO``: found from ``keys.json``).

    ``busy_timeout`` (default ``BUSY_TIMEOUT``, read at call time so tests can shorten
    it) is how long a writer waits for another window or command to finish its write
    before giving up with ``DatabaseBusyError``. ``hide_parameters``: SQLAlchemy's error
    text would otherwise carry every bound value (names, ID numbers, addresses) into
    messages, logs and tracebacks. The ``handle_error`` hook turns a full disk, a lock
    timeout or a read-only file into the domain error (``errors.storage_error``).
    """
    timeout = BUSY_TIMEOUT if busy_timeout is None else busy_timeout

    def connect() -> rawconn.Connection:
        return rawconn.connect(path, check_same_thread=False, timeout=timeout, key=key)

    engine = create_engine(
        f"sqlite:///{path}",
        module=rawconn.dbapi,
        creator=connect,
        hide_parameters=True,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    install_write_guard(engine)  # a read-only account changes no record (write_guard.py)

    def translate(context: ExceptionContext) -> None:
        original = context.original_exception
        if "malformed" in str(original):
            return  # Database._translated names the last good backup and marks the file
        error = storage_error(original, database=path, busy_seconds=timeout)
        if error is not None:
            raise error from None

    event.listen(engine, "handle_error", translate)
    return engine


def looks_like_sqlite(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(len(SQLITE_HEADER)) == SQLITE_HEADER


def _read_revision(path: Path, *, key: bytes = rawconn.AUTO) -> str | None:
    """The database's Alembic revision; None for a new file. Refuses foreign files.

    Read through a read-only connection: the engine's pragmas (WAL) would already change
    the file, and a file we refuse must stay exactly as it was.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    try:
        con = rawconn.connect(path, mode="ro", key=key)
        try:
            tables = {
                str(r[0]) for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if not tables:
                return None
            if "alembic_version" not in tables:
                raise DatabaseError(
                    f"文件 {path} 是一个 SQLite 数据库，但不是工会桌面通的数据库，未做任何改动。"
                )
            rows = con.execute("SELECT version_num FROM alembic_version").fetchall()
        finally:
            con.close()
    except rawconn.DatabaseError as exc:
        # a full disk, a lock or a forbidden file is not corruption: say what it is
        translated = (
            storage_error(exc, database=path) if isinstance(exc, rawconn.OperationalError) else None
        )
        raise translated or DatabaseError(
            f"文件 {path} 已损坏或不是数据库文件，未做任何改动。"
        ) from exc
    return str(rows[0][0]) if rows else None


def upgrade_schema(conn: Connection, target: str = "head") -> None:
    """Run the Alembic migrations up to ``target`` on ``conn``, in the caller's transaction."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = conn
    command.upgrade(cfg, target)
    if engines.is_postgres(conn):
        from desktop.storage import pg_search

        pg_search.create_schema(conn)  # the hub's search index (IF NOT EXISTS: kept)
        engines.add_rowids(conn)
        engines.widen_columns(conn)


class Database:
    """One open database file: the engine, transactions, backups and the node marker."""

    #: Whether a bulk write is preceded by a file backup here (a hub is backed up by its
    #: administrator instead; each bulk write there is one transaction).
    takes_file_backups = True

    def __init__(
        self,
        paths: Paths,
        engine: Engine,
        clock: Clock | None = None,
        *,
        allow_corrupt: bool = False,
    ) -> None:
        self.paths = paths
        self.engine = engine
        #: Where services that were given this database read "today" and "now".
        self.clock: Clock = clock or current_clock()
        self.checkpoints = BackgroundCheckpointer(paths.database)
        #: Run after every committed write (``desktop.opening`` keeps the node marker
        #: beside the installation's secret up to date here).
        self.after_commit: list[Callable[[], None]] = []
        #: The recovery key made at this open (a new or just-encrypted database): the
        #: CLI prints it, the window shows it, once; it is stored nowhere in clear.
        self.recovery_code: str | None = None
        #: What the last integrity check found; a corrupt file is refused (``_gate``).
        self.health = HealthState()
        #: Only ``uniondesk check`` reads a corrupt file (to report it); nobody writes it.
        self.allow_corrupt = allow_corrupt
        self._background_check: BackgroundCheck | None = None

    # -- integrity -------------------------------------------------------------------

    @property
    def registry_name(self) -> str:
        """What names this registry on this PC, for what is kept about it outside it
        (the audit trail's anchor): the file's path; the hub's URL, masked."""
        return str(self.paths.database)

    def check_in_background(self) -> None:
        """Start the open-time ``quick_check`` on its own thread (a large file, or any
        file the window opens: ``open_storage(check_first=False)``)."""
        self._background_check = BackgroundCheck(self.paths.database, self.health)

    def corruption_error(self, findings: list[str]) -> db_health.CorruptDatabaseError:
        return db_health.refuse(self.paths.database, self.paths.backups, findings, self.clock.now())

    def ensure_sound(self) -> None:
        """A fresh ``quick_check`` now; refuses a damaged file. Before every backup and bulk
        write: seconds at a million members, and a write into a damaged b-tree spreads it."""
        findings = db_health.quick_check(self.paths.database)
        self.health.record(findings)
        if findings:
            log.error("database fails quick_check before a bulk write or backup")
            raise self.corruption_error(findings)

    def _gate(self, write: bool) -> None:
        """Refuse any use of a file known to be damaged (reads only for ``check``); a write
        waits for the open-time check when it still runs."""
        background = self._background_check
        if write and background is not None and background.running:
            background.wait()
        findings = self.health.findings
        if findings and (write or not self.allow_corrupt):
            raise self.corruption_error(findings)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        """SQLite's "database disk image is malformed" met by any statement becomes the
        clerk's message (and marks the file damaged) instead of a traceback."""
        try:
            yield
        except (sa_exc.DatabaseError, *rawconn.DatabaseError) as exc:
            if "malformed" not in str(exc):
                raise
            findings = [str(getattr(exc, "orig", exc))]
            self.health.record(findings)
            raise self.corruption_error(findings) from exc

    # -- transactions ----------------------------------------------------------------

    @contextmanager
    def session(self, *, write: bool = True) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        from sqlalchemy.orm import Session

        options: dict[str, Any] = {"sqlite_begin": "IMMEDIATE" if write else "DEFERRED"}
        self._gate(write)
        with self._translated(), Session(self.engine, expire_on_commit=False) as session:
            session.connection(execution_options=options)
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise
        if write:
            self._committed()

    @contextmanager
    def connect(self, *, write: bool = True) -> Iterator[Connection]:
        """A Core connection in one transaction (bulk paths, sync apply)."""
        options = {"sqlite_begin": "IMMEDIATE" if write else "DEFERRED"}
        self._gate(write)
        with (
            self._translated(),
            self.engine.connect().execution_options(**options) as conn,
            conn.begin(),
        ):
            yield conn
        if write:
            self._committed()

    def check_writable(self) -> None:
        """Refuse now, writing nothing, when the file cannot be written (read-only file,
        folder or disk): for an action that must not start unless its record can be
        written afterwards (a backup and its audit entry, ``services.backups.catalog``).

        Inside a write transaction that is rolled back, the header's ``user_version`` is
        set to what it is: SQLite refuses that on a read-only file (the domain message
        of ``errors.storage_error``), while ``BEGIN IMMEDIATE`` alone passes (in WAL mode
        the write lock lives in the ``-shm`` file)."""
        self._gate(True)
        options = {"sqlite_begin": "IMMEDIATE"}
        with self._translated(), self.engine.connect().execution_options(**options) as conn:
            transaction = conn.begin()
            try:
                version = int(conn.exec_driver_sql("PRAGMA user_version").scalar() or 0)
                conn.exec_driver_sql(f"PRAGMA user_version = {version}")
            finally:
                transaction.rollback()

    def _committed(self) -> None:
        self.checkpoints.request()
        for hook in self.after_commit:
            hook()

    def backup(self, reason: str) -> Path:
        """A verified, consistent, compressed and encrypted copy (safe while open).

        The database is checked first (a copy of a damaged file is no backup, and the
        bulk write that follows must not run on it). SQLite's online backup API copies it
        to a ``.part`` file, 0600, keyed with the database's own key (SQLCipher copies
        encrypted pages between two files under one key: no plaintext is written
        anywhere); that copy is packed (``storage.backups.pack``: every page's HMAC
        checked as it is decrypted in memory, compressed, sealed again; ~4× smaller) and
        read back, and only then renamed into the rotation as
        ``….udbak``: a crash never leaves a half copy that looks like a backup, and the
        rotation holds only copies that passed, so pruning it can never age out the last
        good one for a bad one. The ``.part`` also makes a rollback journal on it pointless
        (``journal_mode=OFF``: one fsync instead of three).

        ``keys.json`` is copied beside the backup (``<name>.keys.json``), so the backup
        alone, with the recovery key or an administrator's password, can be restored on a
        new PC. A plain registry (not yet encrypted) keeps an uncompressed ``….db`` copy.
        """
        self.ensure_sound()
        private_dir(self.paths.backups)
        stamp = self.clock.now().strftime("%Y%m%d-%H%M%S-%f")
        target = self.paths.backups / f"uniondesk-{stamp}-{reason}.db"
        part = target.with_name(target.name + ".part")
        ring_copy: Path | None = None
        try:
            key = keys.key_for_file(self.paths.database)
            clean_stale_beside(target)
            create_private(part)
            # what a killed backup left, never another running backup's (two imports)
            backup_files.sweep_stale_parts(self.paths.backups, part)
            src = rawconn.connect(self.paths.database, key=key or rawconn.PLAIN)
            dst = rawconn.connect(part, key=key or rawconn.PLAIN)
            try:
                dst.execute("PRAGMA journal_mode = OFF")
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            packed = backup_files.pack(part, key) if key is not None else None
            if packed is None:  # plain, or a page layout not read here: the copy itself
                self._check_copy(part, target, key)
                part.replace(target)
            else:
                target = packed
            if key is not None:
                ring_copy = keys.backup_keys_file(target)
                ring = keys.keys_file(self.paths).read_bytes()
                create_private(ring_copy).write_bytes(ring)
        except (OSError, *rawconn.Error) as exc:
            self._discard_backup(part, target, ring_copy)
            if isinstance(storage_error(exc), StorageFullError):
                raise StorageFullError(
                    f"磁盘空间不足：自动备份 {target} 写不下。为安全起见本次操作未执行，"
                    "未写入任何数据，请清理磁盘后重试。"
                ) from exc
            # SQLite's or the OS's own (English) words go to the log, not to the clerk
            log.error("backup not written: %s %s", type(exc).__name__, getattr(exc, "errno", ""))
            raise DatabaseError(
                f"备份没有写成：写入备份文件夹 {self.paths.backups} 时出错（{target.name}）。"
                "为安全起见，本次操作未执行，未写入任何数据，原有备份均保留。"
                "请检查磁盘空间和这个文件夹的写入权限，或稍后重试（另一个窗口或命令"
                "可能正在做备份）；仍然不行时请检查磁盘或 U 盘是否有故障。"
            ) from exc
        except BaseException:
            self._discard_backup(part, None, ring_copy)
            raise
        self._prune_backups(target)
        log.info("backup written: %s", target.name)
        return target

    @staticmethod
    def _check_copy(part: Path, target: Path, key: bytes | None) -> None:
        """An uncompressed copy joins the rotation only once it passes its own check."""
        findings = db_health.verify_backup(part, key=key or rawconn.PLAIN)
        if findings:
            raise DatabaseError(
                f"自动备份 {target.name} 写入后校验未通过"
                f"（{db_health.finding_summary(findings)}），"
                "已删除这份备份，原有备份均保留。为安全起见，本次操作未执行。"
                "请检查磁盘空间和磁盘是否有故障。"
            )

    @staticmethod
    def _discard_backup(part: Path, target: Path | None, ring_copy: Path | None) -> None:
        """Remove what a failed backup left: its copy, a half-written target, its ring."""
        part.unlink(missing_ok=True)
        if target is not None:
            target.unlink(missing_ok=True)
        if ring_copy is not None:
            ring_copy.unlink(missing_ok=True)

    def _prune_backups(self, written: Path) -> None:
        """Record ``written`` as checked and rotate (``storage.backups``: the newest
        ``keep`` plus one a month for a year); every file in the rotation passed its check."""
        with self.engine.connect() as conn:
            keep = backup_files.read_keep(conn, KEEP_BACKUPS)
        backup_files.record_check(self.paths.backups, written.name, True, self.clock.now())
        now = self.clock.now()
        backup_files.rotate(self.paths.backups, keep, now.date(), protect=written, now=now)

    def refresh_planner_stats(self) -> None:
        """The planner's statistics brought up to date (storage/planner_stats.py). Only
        an aid to speed: a file that cannot be written now (read-only, full disk,
        another window holding the write lock, a viewer's account, damage found since it
        was opened, which SQLite may report as out of memory) keeps the figures it has,
        rather than making a close or an opening fail. Nothing of an analysis that fails
        stays: it is one transaction."""
        if self.health.findings:
            return  # a damaged file is written by nothing but a repair
        try:
            with self.engine.connect() as conn:
                # a moment's wait for another window's write at most, not BUSY_TIMEOUT
                # (set on the driver's connection: outside any transaction)
                raw = conn.connection.driver_connection
                assert raw is not None
                raw.execute(f"PRAGMA busy_timeout = {STATS_BUSY_MS}")
                try:
                    with conn.begin():
                        planner_stats.refresh(conn)
                finally:
                    raw.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT * 1000)}")
        except Exception as exc:  # noqa: BLE001 - an aid only; a damaged page reads as NOMEM
            log.info("planner statistics not refreshed: %s", type(exc).__name__)

    def close(self) -> None:
        if self._background_check is not None:
            self._background_check.close()
        self.refresh_planner_stats()
        self.checkpoints.close()
        self.engine.dispose()


def _private_files(paths: Paths) -> None:
    """The database and its -wal/-shm owner-only (SQLite gives new -wal/-shm files the
    database file's mode); a new database file is created 0600 before SQLite opens it.
    The data dir's temp folder is emptied: what is there was left by a killed process."""
    db_file = paths.database
    if not db_file.exists():
        create_private(db_file)
    for path in (
        db_file,
        db_file.with_name(db_file.name + "-wal"),
        db_file.with_name(db_file.name + "-shm"),
    ):
        make_private(path)
    if paths.backups.exists():
        private_dir(paths.backups)
    clean_temp_dir(paths.tmp)
    use_app_temp(paths.tmp)


def _too_new(db_file: Path, current: str) -> DatabaseError:
    return DatabaseError(
        f"数据库 {db_file} 由更新版本的工会桌面通创建（结构版本 {current}），"
        f"当前程序版本 {__version__} 无法打开。请安装最新版本，数据库未做任何改动。"
    )


def _prepare_key(paths: Paths, *, allow_corrupt: bool, now: datetime) -> str | None:
    """Make sure the database in ``paths`` is encrypted and this installation holds its
    key; returns the recovery key when one was just made (to be shown once).

    * no file yet: a new key (``keys.create_key``);
    * a plain SQLite file (an older version's registry): refused as before when it is
      foreign, newer or damaged, else encrypted in place (``encrypting``);
    * an encrypted file: ``keys.json`` must be there, and this installation must hold
      its key (else ``DatabaseKeyMissingError``: unlock with a password or the
      recovery key). A file that is neither is refused, untouched.
    """
    db_file = paths.database
    ring = keys.read_ring(keys.keys_file(paths))
    if not db_file.exists() or db_file.stat().st_size == 0:
        if ring is not None and keys.load_key(ring.key_id) is not None:
            return None
        return keys.create_key(paths).recovery_code
    if looks_like_sqlite(db_file):
        current = _read_revision(db_file, key=rawconn.PLAIN)
        if current is not None and current not in known_revisions():
            raise _too_new(db_file, current)
        findings = db_health.quick_check(db_file, key=rawconn.PLAIN)
        if findings:
            if allow_corrupt:
                return None  # ``uniondesk check`` reads it as it is, plain
            raise db_health.refuse(db_file, paths.backups, findings, now)
        return encrypting.encrypt_in_place(paths)
    if ring is None:
        raise DatabaseError(
            f"文件 {db_file} 不是数据库文件（可能被改名或损坏），或是加密的数据库但同一文件夹中"
            "缺少 keys.json，未做任何改动。从备份恢复时，请把备份旁边同名的 .keys.json "
            "一并复制过来并命名为 keys.json。"
        )
    keys.key_for_file(db_file)  # raises DatabaseKeyMissingError when this PC lacks it
    return None


def open_storage(
    paths: Paths,
    clock: Clock | None = None,
    *,
    allow_corrupt: bool = False,
    migrate: Callable[[Connection], None] = upgrade_schema,
    on_open: Callable[[Database], None] | None = None,
    check_first: bool = True,
    create: bool = True,
) -> Database:
    """Open (creating or upgrading as needed) the database in ``paths.data_dir``.

    ``create``: a folder without a registry file may get a new one (``uniondesk init``,
    ``demo``, the window's first run); else it is refused before anything is made
    (``presence.NoRegistryError``). A registry file gone beside its ``keys.json`` or its
    backups is refused either way (``presence.RegistryMissingError``).

    ``migrate`` upgrades an older or new file inside one transaction (the application
    adds its own steps after the schema's: ``desktop.opening.run_migrations``);
    ``on_open`` runs once the file is current, before a large file's background check
    starts. ``clock`` defaults to the process's clock (:func:`desktop.clock.current`).
    A damaged file is refused (``health.CorruptDatabaseError``) unless ``allow_corrupt``:
    then it is opened for reading only, neither upgraded nor written (``uniondesk check``
    reports it).

    ``check_first`` (the CLI): a file up to ``OPEN_CHECK_BYTES`` is ``quick_check``ed
    before anything is read, so a read command refuses a damaged file outright. Without
    it (the window, whose first paint should not wait ~10 ms a MB for an encrypted check)
    every file is checked in the background, as a large one always is: the first write
    waits for the answer, and damage found is recorded in ``db.health``, whose watchers
    (the window's offer of the last good backup) are told. A file that fails to open
    before that check has run is checked there and then, so damage is still refused as
    damage, not as an unreadable file.

    With ``paths.database_url`` set the registry is the federation hub on PostgreSQL
    (:func:`open_hub`): the same ``migrate`` and ``on_open``, none of the file's steps.
    """
    if paths.database_url is not None:
        return open_hub(paths, clock, migrate=migrate, on_open=on_open, create=create)
    now = (clock or current_clock()).now()
    presence.refuse_unless_present(paths, create=create, now=now)  # before anything is made
    ensure_writable(paths)
    encrypting.recover(paths)
    db_file = paths.database
    recovery_code = _prepare_key(paths, allow_corrupt=allow_corrupt, now=now)
    size = db_file.stat().st_size if db_file.exists() else 0
    findings: list[str] | None = None
    checked_now = 0 < size <= db_health.OPEN_CHECK_BYTES and (check_first or allow_corrupt)
    if checked_now:
        findings = db_health.quick_check(db_file)
        if findings and not allow_corrupt:
            raise db_health.refuse(db_file, paths.backups, findings, now)
    _private_files(paths)
    with _damage_named(paths, checked=checked_now or size == 0, now=now):
        current = None if findings else _read_revision(db_file)
    engine = make_engine(db_file, key=keys.key_for_file(db_file) or rawconn.PLAIN)
    db = Database(paths, engine, clock, allow_corrupt=allow_corrupt)
    db.recovery_code = recovery_code
    if findings is not None:
        db.health.record(findings)
    if findings:
        return db  # allow_corrupt: read-only inspection, nothing upgraded or written
    try:
        head = head_revision()
        if current is not None and current not in known_revisions():
            raise _too_new(db_file, current)
        if current != head:
            if current is not None:
                db.backup(f"before-upgrade-{current}")
            with db.connect() as conn:
                migrate(conn)
        if on_open is not None:
            on_open(db)
        with db.connect(write=False) as conn:
            upgrade = planner_stats.never_analysed(conn)
        if upgrade:
            db.refresh_planner_stats()
        if size > 0 and not checked_now:
            db.check_in_background()
    except sa_exc.OperationalError as exc:
        db.close()
        if "readonly" in str(exc).lower() or "read-only" in str(exc).lower():
            raise DatabaseError(f"数据库 {db_file} 是只读的，无法写入。请检查文件权限。") from exc
        raise DatabaseError(f"无法打开数据库 {db_file}：{exc.orig}") from exc
    except BaseException:
        db.close()
        raise
    return db


@contextmanager
def _damage_named(paths: Paths, *, checked: bool, now: datetime) -> Iterator[None]:
    """The schema read before the file was checked failed the way damage fails (SQLite's
    own error, not a full disk, a lock or a foreign file): check it there and then, and
    refuse it as damaged (naming the last good backup) when it is. Later statements meet
    damage through ``Database._translated``."""
    try:
        yield
    except DatabaseError as exc:
        cause = exc.__cause__
        unreadable = isinstance(cause, rawconn.DatabaseError) and not isinstance(
            cause, rawconn.OperationalError
        )
        if unreadable and not checked:
            findings = db_health.quick_check(paths.database)
            if findings:
                raise db_health.refuse(paths.database, paths.backups, findings, now) from exc
        raise


# -- the federation hub (PostgreSQL) ------------------------------------------------------

HUB_BACKUP_REFUSED = (
    "总库（PostgreSQL）的备份由数据库管理员用 pg_dump 完成，本程序不在总库上做文件备份，"
    "未做任何改动。请联系数据库管理员确认总库已按计划备份。"
)


HUB_RESTORE_REFUSED = (
    "总库（PostgreSQL）由数据库管理员用 pg_dump 备份、从 pg_dump 的备份恢复；本程序不在"
    "总库上查看、校验或恢复备份文件（本机 backups 文件夹中的备份是基层单位登记库的，"
    "不能用来恢复总库），未做任何改动。请联系数据库管理员。"
)
HUB_HAS_NO_KEYS = (
    "总库（PostgreSQL）不用本机的密钥文件加密，无需解锁，也没有恢复密钥：谁能打开总库由"
    "数据库服务器的账号和密码决定，请向数据库管理员询问。未做任何改动。"
)


class _NoCheckpoints:
    """PostgreSQL writes its own checkpoints: the WAL thread of a SQLite file has no
    counterpart, and the calls on it stay harmless."""

    def request(self) -> None:
        return None

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None


class HubDatabase(Database):
    """The registry on PostgreSQL: the same transactions, none of the file's care.

    What a SQLite file needs and the server does itself is skipped behind the same
    methods: WAL checkpoints, ``quick_check`` before bulk writes (the server's pages are
    the administrator's: ``amcheck``), encryption keys (the server's access control and
    disk encryption), and file backups, which are refused (``HUB_BACKUP_REFUSED``):
    a hub is backed up with ``pg_dump`` by its administrator.
    """

    #: The hub's URL as it may be shown (password masked).
    where: str
    takes_file_backups = False

    def __init__(self, paths: Paths, engine: Engine, clock: Clock | None = None) -> None:
        super().__init__(paths, engine, clock)
        self.checkpoints = _NoCheckpoints()  # type: ignore[assignment]
        self.where = engines.masked(engine.url)

    @property
    def registry_name(self) -> str:
        # not the data dir's file: the same data dir may hold this PC's office registry
        return f"hub {self.where}"

    def check_in_background(self) -> None:
        return None

    def refresh_planner_stats(self) -> None:
        return None  # the server's autovacuum keeps its statistics

    def ensure_sound(self) -> None:
        return None

    def check_writable(self) -> None:
        return None  # the server says so at the write itself, in the same transaction

    def backup(self, reason: str) -> Path:
        raise DatabaseError(HUB_BACKUP_REFUSED)


class NoHubError(presence.NoRegistryError):
    """The hub's database is empty, and this command makes no registry."""


def _hub_revision(engine: Engine, where: str) -> str | None:
    """The hub database's Alembic revision; None for an empty database. A database
    holding other tables but no ``alembic_version`` is somebody else's: refused."""
    with engine.connect() as conn:
        has_version = conn.exec_driver_sql(
            "SELECT to_regclass('alembic_version') IS NOT NULL"
        ).scalar_one()
        if not has_version:
            others = conn.exec_driver_sql(
                "SELECT count(*) FROM pg_catalog.pg_tables "
                "WHERE schemaname = ANY (current_schemas(false))"
            ).scalar_one()
            if others:
                raise DatabaseError(
                    f"总库「{where}」中已有其他数据表，不是工会桌面通的数据库，未做任何改动。"
                    "请为工会桌面通单独创建一个空数据库。"
                )
            return None
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else None


def open_hub(
    paths: Paths,
    clock: Clock | None = None,
    *,
    migrate: Callable[[Connection], None] = upgrade_schema,
    on_open: Callable[[Database], None] | None = None,
    create: bool = True,
) -> Database:
    """Open the federation hub named by ``paths.database_url`` (PostgreSQL).

    Same order as a file: the revision is read first and a newer one is refused with
    nothing written; an empty or older database is upgraded in one transaction (DDL is
    transactional on PostgreSQL: a refused right or a lost connection leaves the
    database as it was); ``on_open`` runs last. There is no backup before an upgrade
    (the administrator's ``pg_dump``). The data dir still holds this PC's log and exports.
    ``create=False`` (every command but ``init`` and ``demo``): an empty database is
    refused, nothing made — a mistyped database name on a server where the clerk's role
    may create tables must not become a new, empty hub (as a mistyped ``--data-dir``).
    """
    assert paths.database_url is not None
    url = engines.parse_url(paths.database_url)
    where = engines.masked(url)
    ensure_writable(paths)
    engine = engines.make_pg_engine(url)
    db = HubDatabase(paths, engine, clock)
    try:
        current = _hub_revision(engine, where)
        if current is not None and current not in known_revisions():
            raise DatabaseError(
                f"总库「{where}」由更新版本的工会桌面通升级过（结构版本 {current}），"
                f"当前程序版本 {__version__} 无法使用它。请安装最新版本，总库未做任何改动。"
            )
        if current is None and not create:
            raise NoHubError(
                f"总库「{where}」是一个空数据库，还没有建立工会桌面通的登记库，"
                "未做任何改动，也没有新建。请检查连接地址中的数据库名是否写对；"
                "要在这个数据库中新建总库，请运行 uniondesk --database-url … init "
                "--federation 名称（或打开工会桌面通，按首次使用的提示创建）。"
            )
        if current != head_revision():
            with db.connect() as conn:
                migrate(conn)
            log.info("hub upgraded from %s to %s: %s", current, head_revision(), where)
        if on_open is not None:
            on_open(db)
    except sa_exc.DBAPIError as exc:
        db.close()
        error = engines.connect_error(exc.orig, url) if exc.orig is not None else None
        if error is not None:
            raise error from None
        log.error("hub open failed: %s", type(exc.orig).__name__)
        raise DatabaseError(
            f"无法使用总库「{where}」（{type(exc.orig).__name__}），未做任何改动。"
            "请把这条信息告诉数据库管理员。"
        ) from exc
    except BaseException:
        db.close()
        raise
    return db
