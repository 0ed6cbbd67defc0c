"""Duplicate member records: find them, merge two into one (issue #21, item 4).

- ``finding``: pairs of live records that are probably one person — the same ID number
  (two offices registered the person before syncing), or the same name and birth date,
  or the same phone — shown masked.
- ``merging``: merge two records (the survivor takes the fields the clerk picked, the
  other record's attendance, transfers, applications and hardship files move to it, the
  other becomes a tombstone) as one recorded, synced operation (``member_merges``, whose
  one writer this module is); and what the sync apply calls to carry an edit received
  for a merged-away record over to its survivor.
"""
