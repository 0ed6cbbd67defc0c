"""设置: one typed view of this office's settings, read and written through their owners.

Nothing here owns a value; each is kept where it belongs and this package only brings
them together for the settings page and ``uniondesk settings``, checks the input, asks
for the administrator's permission and records the change in the audit trail:

- ``local``: the typed getters, defaults and checks of the local ``app_settings`` keys
  other areas read (backup keep count and second-copy folder, idle lock minutes).
- ``office``: ``OfficeSettings`` (the whole view), one setter per group of the page
  (federation details through ``unions.federations``, card prefix through
  ``members.card_numbers`` and the federation writer, backups, security, the hardship
  income threshold through ``care.settings``) and ``KEYS``, the CLI's key catalogue.

The sync identity (office name, fingerprint, key card) is the sync engine's: the page
and the CLI read it from ``desktop.sync.office`` themselves (services never import sync).
"""
