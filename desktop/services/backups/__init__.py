"""备份与恢复: the office's backups, their checks and settings, and putting one back.

Modules and their roles (callers import the module they need by name):

- ``catalog``: list the backups (time, reason in Chinese, size, last check, second
  copy), make one now (``create``: SQLite's online backup through ``Database.backup``,
  checked, rotated, then the second copy), check one (``verify``). Audited (BACKUP).
- ``restoring``: put a chosen backup back (administrators only): checked first, the
  current database moved aside (never deleted), the backup copied into place and the
  registry reopened with a fresh sync identity when needed; says what happens next.
  Audited (RESTORE).
- ``options``: the typed settings (keep count 1–365, the second-copy folder).

The files themselves are handled by ``desktop.storage.backups``.
"""
