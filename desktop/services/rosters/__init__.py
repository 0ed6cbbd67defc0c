"""Excel rosters (名册) as a use case: check a file's rows, import them, export member lists.

Modules and their roles:

- ``checking``: every data row checked with the member rules, sorted into a preview.
- ``importer``: ``prepare`` reads and checks (writes nothing); ``commit`` takes a backup and
  writes the preview in one transaction, all rows or none.
- ``export``: member lists to .xlsx, masked by default.

The file formats themselves (reading cells, templates) live in ``desktop.spreadsheets``.
Callers import the module they need; this file imports nothing.
"""
