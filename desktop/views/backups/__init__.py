"""备份与恢复: the backups page (list, back up now, check, restore, settings)."""
