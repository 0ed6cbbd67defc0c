"""个人信息删除 (PIPL Art. 47): erase a person everywhere, for good.

- ``records``: ``erase`` (管理员 only) blanks every personal field of the member and of
  the rows about the person (applications, the hardship file and its household, legal
  aid applicant fields, attendance guest names, status-history and transfer notes)
  through each table's writer, purges those values from the change log, the conflict
  log and the stored segments (``storage.redaction``) and from the search index, and
  writes the synced tombstone (``erasures``; its one writer). ``erase_in`` is the same
  work for a received tombstone (the sync apply calls it; no permission check: sync
  applies what an administrator did elsewhere).
- ``backups``: the backups made before an erasure still hold the person; each with
  the latest date the rotation removes it.
"""
