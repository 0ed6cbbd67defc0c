#!/bin/sh
# Build SQLite 3.40 and CPython 3.11 inside the Debian 11 (bullseye, glibc 2.31) build chroot, into
# /opt/py311, as a shared library (PyInstaller needs libpython3.11.so).
#
# Source: Debian 12's python3.11 source package (apt-get source from bookworm's deb-src):
# the upstream 3.11.2 tarball plus Debian's bug and security fixes (every patch from
# shutdown-deadlock.diff on: the CVE fixes up to the current deb12u). Debian's layout
# patches (deb-locations, sysconfig schemes, multiarch ...) are left out on purpose: this
# Python lives in its own prefix, not in /usr.
#
# Functions newer than glibc 2.28 are switched off at configure time (ac_cv_func_X=no),
# so libpython and the extension modules reference no symbol version above GLIBC_2.28
# (UOS 20 has glibc 2.28). Run by installer/chroot.py; safe to re-run (skips a finished build).
set -eu
# multiprocessing's semaphores: configure tests sem_open for real, which needs /dev/shm
# (installer/chroot.py mounts a tmpfs there); without it the module is built without locks.
if ! touch /dev/shm/.probe 2>/dev/null; then
    echo "no writable /dev/shm in the chroot: mount a tmpfs there first" >&2; exit 1
fi
rm -f /dev/shm/.probe
PREFIX=/opt/py311
SRC=/src
if [ -x "$PREFIX/bin/python3.11" ] && [ -f "$PREFIX/lib/libsqlite3.so" ]; then
    echo "CPython already built in $PREFIX"; exit 0
fi
mkdir -p "$SRC"  # a fresh chroot has none (a cached one hid this)
cd "$SRC"
case "$(uname -m)" in
    x86_64) OLD=GLIBC_2.2.5 ;;
    aarch64) OLD=GLIBC_2.17 ;;
    *) echo "unknown machine $(uname -m)" >&2; exit 1 ;;
esac
# glibc 2.29 gave exp, exp2, log, log2 and pow new symbol versions (faster code, same
# results within 1 ulp); bind them to the old versions that every glibc has, so the math
# in libpython, math, cmath, _statistics and SQLite does not need GLIBC_2.29.
cat > "$SRC/glibc-compat.h" <<HEADER
/* force-included into every C file of the CPython and SQLite builds (build-python.sh) */
__asm__(".symver exp,exp@$OLD");
__asm__(".symver exp2,exp2@$OLD");
__asm__(".symver log,log@$OLD");
__asm__(".symver log2,log2@$OLD");
__asm__(".symver pow,pow@$OLD");
HEADER
COMPAT="-include $SRC/glibc-compat.h"

# SQLite: bullseye's 3.34 lacks what the app's queries use (MATERIALIZED CTEs, 3.35+), so
# Debian 12's 3.40.1 (its CVE patches applied) is built into $PREFIX/lib with Debian's
# compile options; CPython's _sqlite3 links it there and PyInstaller bundles it.
if [ ! -f "$PREFIX/lib/libsqlite3.so" ]; then
    [ -f sqlite3_*.dsc ] || apt-get source -q --download-only sqlite3
    rm -rf sqlite-build sqlite3-debian && mkdir sqlite-build sqlite3-debian
    tar xf sqlite3_*.orig.tar.xz -C sqlite-build --strip-components=1
    tar xf sqlite3_*.debian.tar.xz -C sqlite3-debian
    (cd sqlite-build && for patch in $(grep -i '^[^#]*cve' ../sqlite3-debian/debian/patches/series); do
        if patch -p1 -s -N -r - < "../sqlite3-debian/debian/patches/$patch" >/dev/null; then
            echo "applied sqlite $patch"
        else
            echo "WARNING: sqlite $patch did not apply (left out)"
        fi
    done)
    SQLITE_FLAGS="-O2 -DSQLITE_SECURE_DELETE -DSQLITE_ENABLE_COLUMN_METADATA \
      -DSQLITE_ENABLE_FTS3 -DSQLITE_ENABLE_FTS3_PARENTHESIS -DSQLITE_ENABLE_FTS4 \
      -DSQLITE_ENABLE_RTREE=1 -DSQLITE_SOUNDEX=1 -DSQLITE_ENABLE_UNLOCK_NOTIFY \
      -DSQLITE_ENABLE_DBSTAT_VTAB -DSQLITE_ENABLE_UPDATE_DELETE_LIMIT=1 \
      -DSQLITE_ENABLE_LOAD_EXTENSION -DSQLITE_LIKE_DOESNT_MATCH_BLOBS -DSQLITE_THREADSAFE=1 \
      -DSQLITE_ENABLE_FTS3_TOKENIZER=1 -DSQLITE_USE_URI=1 -DSQLITE_MAX_SCHEMA_RETRY=25 \
      -DSQLITE_ENABLE_PREUPDATE_HOOK -DSQLITE_ENABLE_SESSION -DSQLITE_ENABLE_STMTVTAB \
      -DSQLITE_MAX_VARIABLE_NUMBER=250000 -DSQLITE_ENABLE_MATH_FUNCTIONS"
    (cd sqlite-build && ./configure --prefix="$PREFIX" --enable-fts5 --disable-tcl \
        --disable-static CFLAGS="$SQLITE_FLAGS $COMPAT" >/dev/null \
        && make -j2 -s >/dev/null && make -s install >/dev/null)
fi

if [ ! -f python3.11_*.dsc ]; then
    apt-get source -q --download-only python3.11
fi
rm -rf Python-3.11.* debian
tar xf python3.11_*.orig.tar.gz
tar xf python3.11_*.debian.tar.xz
cd Python-3.11.*
applying=no
while read -r patch; do
    case "$patch" in ''|'#'*) continue ;; esac
    [ "$patch" = shutdown-deadlock.diff ] && applying=yes
    [ "$applying" = yes ] || continue
    case "$patch" in skip-xml-tests-*|*test-reliability*) continue ;; esac
    if patch -p1 -s -N -r - < "../debian/patches/$patch" >/dev/null; then
        echo "applied $patch"
    else
        echo "WARNING: $patch did not apply (left out)"
    fi
done < ../debian/patches/series
# CVE-2026-4224's fix makes pyexpat.c include an internal header (Debian builds pyexpat
# into the interpreter; upstream 3.11's setup.py builds it as a module, which then needs
# Py_BUILD_CORE_MODULE, as pyexpat.c itself defines it from 3.12 on).
if grep -q '^#include "pycore_ceval.h"' Modules/pyexpat.c \
        && ! grep -q Py_BUILD_CORE_MODULE Modules/pyexpat.c; then
    sed -i '1i #ifndef Py_BUILD_CORE_BUILTIN\n#  define Py_BUILD_CORE_MODULE 1\n#endif' Modules/pyexpat.c
fi
# glibc 2.29+ functions CPython 3.11's configure would otherwise pick up on glibc 2.31.
# (sem_clockwait and pthread_cond_clockwait are 2.30; the others are not in 2.31 but are
# listed so a newer build chroot cannot bring them in either.)
NEWER_THAN_228="sem_clockwait pthread_cond_clockwait pthread_mutex_clocklock getcpu gettid \
  posix_spawn_file_actions_addchdir_np pthread_clockjoin_np close_range closefrom pidfd_open \
  twalk_r"
for f in $NEWER_THAN_228; do export "ac_cv_func_$f=no"; done
./configure --prefix="$PREFIX" --enable-shared --with-ensurepip=install \
    --without-static-libpython CFLAGS="$COMPAT" CPPFLAGS="-I$PREFIX/include" \
    LDFLAGS="-L$PREFIX/lib -Wl,-rpath,$PREFIX/lib" >/dev/null
if grep -q "define POSIX_SEMAPHORES_NOT_ENABLED" pyconfig.h; then
    echo "configure found no working POSIX semaphores (multiprocessing would lack locks)" >&2
    exit 1
fi
make -j2 -s >/dev/null
make -s install >/dev/null
"$PREFIX/bin/python3.11" -c "import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, pyexpat, multiprocessing.synchronize; print('CPython', __import__('sys').version, 'SQLite', sqlite3.sqlite_version)"
