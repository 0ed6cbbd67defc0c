"""Which engine a registry lives on, and the PostgreSQL engine (the federation hub).

Why one module: the rest of the storage layer asks "is this the hub?" through
:func:`is_postgres` and builds the hub's engine through :func:`make_pg_engine`, instead
of comparing dialect names and parsing URLs in many places. SQLite (one file in the data
dir, ``database.make_engine``) stays the default; a database URL
(``postgresql+psycopg://user:password@host/dbname``) chosen by ``--database-url``,
``UNIONDESK_DATABASE_URL`` or the data dir's ``database-url`` file
(``desktop.config.resolve_paths``) opens the hub instead.

A URL carries a password: it is never shown or logged as given. Every message and log
line uses :func:`masked` (the password replaced by ``***``), and a URL that cannot even
be parsed is not quoted at all. The errors a clerk meets when the hub cannot be reached
(server down, wrong password, unknown database or role, no rights) become
``DatabaseError`` with a Chinese message (:func:`connect_error`), never a traceback.
"""

from __future__ import annotations

import logging
import re
from functools import cache
from typing import Any
from urllib.parse import unquote

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.postgresql.base import PGTypeCompiler
from sqlalchemy.engine import URL, ExceptionContext, make_url

from desktop.errors import DatabaseError
from desktop.storage.write_guard import install as install_write_guard

log = logging.getLogger(__name__)

SQLITE = "sqlite"
POSTGRESQL = "postgresql"
#: The one driver the hub is tested with (psycopg 3; the ``hub`` extra installs it).
PG_DRIVER = "postgresql+psycopg"
#: Seconds to wait for a hub server that does not answer before saying so.
CONNECT_TIMEOUT = 10


def is_postgres(bind: Engine | Connection) -> bool:
    return bind.dialect.name == POSTGRESQL


def json_values(bind: Engine | Connection, name: str) -> str:
    """A subquery of the text values of the JSON array bound as ``:name`` — one bound
    parameter for a list of any length (SQLite: ``json_each``; PostgreSQL:
    ``json_array_elements_text``), for ``… IN ({json_values(conn, "ids")})``."""
    if is_postgres(bind):
        return f"SELECT json_array_elements_text(CAST(:{name} AS json))"
    return f"SELECT value FROM json_each(:{name})"


def masked(url: URL | str) -> str:
    """The URL as it may be shown or logged: the password replaced by ``***``."""
    if isinstance(url, str):
        try:
            url = make_url(url)
        except (sa_exc.ArgumentError, ValueError):
            return "（无法解析的连接地址）"
    return unquote(url.render_as_string(hide_password=True))


def parse_url(text: str) -> URL:
    """The hub's URL, checked; a malformed or foreign one is refused in Chinese.

    ``postgresql://`` is taken as ``postgresql+psycopg://`` (the one driver we ship).
    The text itself is never quoted when it cannot be parsed: it may hold a password.
    """
    how = (
        "格式应为 postgresql+psycopg://用户名:密码@服务器[:端口]/数据库名"
        "（本机 Unix 套接字：postgresql+psycopg://用户名@/数据库名?host=/套接字目录）。"
    )
    try:
        url = make_url(text.strip())
    except (sa_exc.ArgumentError, ValueError):
        raise DatabaseError(f"数据库连接地址无法识别，未连接任何数据库。{how}") from None
    backend = url.get_backend_name()
    if backend != POSTGRESQL:
        raise DatabaseError(
            f"数据库连接地址「{masked(url)}」不是 PostgreSQL 地址，未连接任何数据库。"
            f"本机登记库无需连接地址（用 --data-dir 选择文件夹）；总库{how}"
        )
    if url.get_driver_name() not in ("psycopg", "psycopg2", ""):
        raise DatabaseError(
            f"数据库连接地址「{masked(url)}」使用的驱动 {url.get_driver_name()} 不受支持，"
            "未连接任何数据库。请写 postgresql+psycopg://…"
        )
    url = url.set(drivername=PG_DRIVER)
    if not url.database:
        raise DatabaseError(
            f"数据库连接地址「{masked(url)}」没有写数据库名，未连接任何数据库。{how}"
        )
    return url


class _HubTypeCompiler(PGTypeCompiler):
    """Booleans as ``smallint`` 0/1 on the hub, as SQLite stores them.

    Why not PostgreSQL's ``boolean``: the services' SQL (and the frozen migrations' defaults)
    compare and write flags as 0 and 1 (``deleted = 0``), which PostgreSQL refuses on a
    boolean column; the ORM's Boolean keeps reading them as ``bool`` (the dialect is told
    it has no native boolean, as SQLite's is)."""

    def visit_boolean(self, type_: Any, **kw: Any) -> str:
        return "SMALLINT"


_PLACEHOLDER = re.compile(r"""('(?:[^']|'')*'|"(?:[^"]|"")*"|::|%|\?|:[A-Za-z_]\w*)""")


def _pyformat(statement: str) -> str:
    """sqlite3's placeholders (``?``, ``:name``) as psycopg's (``%s``, ``%(name)s``),
    quoted text and ``::`` casts left alone, a literal ``%`` doubled."""

    def swap(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        if token.startswith(":") and token != "::":
            return f"%({token[1:]})s"
        return token

    return _PLACEHOLDER.sub(swap, statement)


def _driver_sql_paramstyle(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, context: Any, _many: bool
) -> tuple[str, Any]:
    """Driver SQL (``exec_driver_sql``) written for sqlite3 runs unchanged on psycopg:
    SQLAlchemy compiles ``text()`` and Core for each dialect, but hands driver SQL over
    as it is, and much of the storage and service code uses sqlite3's paramstyles."""
    if parameters and context is not None and context.compiled is None:
        return _pyformat(statement), parameters
    return statement, parameters


@cache
def _dumpers() -> tuple[type, type]:
    """psycopg dumpers for the hub's connections, made once (psycopg is imported only
    when a hub is opened: it is the ``hub`` extra's, not every office's)."""
    from psycopg.types.numeric import Int2Dumper
    from psycopg.types.string import StrDumperUnknown

    class BoolAsInt(Int2Dumper):
        """A Python ``bool`` bound without a SQLAlchemy type (driver SQL, ``text()``)
        goes as 0/1: the flag columns are ``smallint`` (``_HubTypeCompiler``)."""

        def dump(self, obj: Any) -> bytes:
            return b"1" if obj else b"0"

    class StrWithoutNul(StrDumperUnknown):
        """PostgreSQL text cannot hold NUL; the one NUL the application writes is the
        lowest separator of a sort key (``storage.pinyin.sort_key``), sent as U+0001,
        which sorts the same before every printable character."""

        def dump(self, obj: str) -> Any:
            return super().dump(obj.replace("\x00", "\x01"))

    return BoolAsInt, StrWithoutNul


def _on_connect(dbapi_conn: Any, _record: object) -> None:
    bool_dumper, str_dumper = _dumpers()
    dbapi_conn.adapters.register_dumper(bool, bool_dumper)
    dbapi_conn.adapters.register_dumper(str, str_dumper)


def make_pg_engine(url: URL) -> Engine:
    """The hub's engine: psycopg 3, parameters hidden from error texts, the read-only
    guard, a connect timeout, and connection failures turned into the clerk's message."""
    try:
        import psycopg  # noqa: F401 - only to say clearly when it is missing
    except ImportError:
        raise DatabaseError(
            "本程序未安装 PostgreSQL 驱动（psycopg），无法连接总库。"
            "请安装带 hub 选项的版本（pip install 'uniondesk[hub]'）。"
        ) from None
    engine = create_engine(
        url,
        hide_parameters=True,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT, "application_name": "uniondesk"},
    )
    dialect = engine.dialect
    dialect.supports_native_boolean = False
    dialect.type_compiler_instance = _HubTypeCompiler(dialect)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "before_cursor_execute", _driver_sql_paramstyle, retval=True)
    install_write_guard(engine)

    def translate(context: ExceptionContext) -> None:
        error = connect_error(context.original_exception, url)
        if error is not None:
            raise error from None

    event.listen(engine, "handle_error", translate)
    return engine


def _sqlstate(exc: BaseException) -> str | None:
    return getattr(exc, "sqlstate", None)


def connect_error(exc: BaseException, url: URL) -> DatabaseError | None:
    """The Chinese message for a hub that cannot be used, or None for other errors.

    Matched on SQLSTATE where the server sends one (password, role, database, rights),
    on psycopg's connection failure otherwise. The message names the masked URL and says
    what to check; the server's own text is not quoted (it may echo the user name only,
    but it is English and says no more than we do).
    """
    where = masked(url)
    state = _sqlstate(exc)
    text = str(exc)
    if state == "28P01" or "password authentication failed" in text:
        return DatabaseError(
            f"无法登录总库「{where}」：用户名或密码错误。请向数据库管理员核对后重试，未做任何改动。"
        )
    if state == "28000" or (state is None and "no pg_hba.conf entry" in text):
        return DatabaseError(
            f"总库「{where}」拒绝了该用户登录（用户不存在或不允许从本机登录）。"
            "请向数据库管理员核对用户名和访问设置，未做任何改动。"
        )
    if state == "3D000":
        return DatabaseError(
            f"总库服务器上没有数据库「{url.database}」（{where}）。请先由数据库管理员创建"
            "（CREATE DATABASE），或检查连接地址中的数据库名，未做任何改动。"
        )
    if state == "42501":
        return DatabaseError(
            f"总库「{where}」的用户 {url.username or '（默认用户）'} 没有所需的权限"
            "（建表或读写登记表）。请数据库管理员授予该用户此数据库的所有权或 CREATE 权限"
            "后重试，未做任何改动。"
        )
    if _is_unreachable(exc):
        return DatabaseError(
            f"无法连接总库服务器「{where}」：服务器未启动、地址或端口不对，或网络不通。"
            "请检查服务器是否运行、连接地址是否正确后重试，未做任何改动。"
        )
    return None


def _is_unreachable(exc: BaseException) -> bool:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - make_pg_engine refused already
        return False
    if not isinstance(exc, psycopg.OperationalError) or _sqlstate(exc) is not None:
        return False
    text = str(exc).lower()
    return any(
        sign in text
        for sign in (
            "connection refused",
            "no such file or directory",
            "could not translate host name",
            "timeout expired",
            "connection failed",
            "could not connect",
            "server closed the connection",
            "network is unreachable",
        )
    )
