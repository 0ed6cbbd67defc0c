"""The start-up unlock of an encrypted database this PC has no key for (a data folder
moved to another PC, a backup restored on a new one), and showing a new recovery key.

``dialog.UnlockDialog``: an administrator's password or the recovery key;
``flow.open_unlocked``: open, asking once when the key is missing;
``flow.show_recovery_key``: the recovery key of a new or just-encrypted database, once,
in ``recovery_dialog.RecoveryKeyDialog`` (copy, print; it closes only once kept).
"""
