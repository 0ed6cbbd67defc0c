"""首页 and report figures: the counts a federation looks at and sends upward.

Modules and their roles:

- ``summary``: registry totals and the trigger-kept summary counts every figure adds up.
- ``dashboard``: the 首页 figures (members, activities, sites, service log) from those counts.
- ``report_book``: the monthly and annual report tables (.xlsx), from the same functions the
  首页 shows, so paper and screen agree.
- ``federation_sheets``: an upper office's roll-up in the annual workbook (a row per
  federation, a sheet each).

Callers import the module they need; this file imports nothing, so the cold start (which
loads ``summary`` for the status bar) does not pay for the dashboard or openpyxl.
"""
