"""Keeping the database sound: checks, and repairs of the parts derived from the data.

Modules and their roles:

- ``integrity``: ``uniondesk check``: SQLite's own check, then whether the search index
  and the dashboard summary counts agree with the data; ``check(rebuild_search=True)``
  recreates both first.

Callers import the module they need; this file imports nothing.
"""
