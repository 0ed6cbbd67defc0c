"""Care records (issue 22): hardship files 困难职工档案, one per household (一户一档).

Modules and their roles (each of the first five is the one writer of its table):

- ``hardship``: the file itself (``hardship_cases``): open, list with the due/overdue
  filter, close (脱困), the sensitive fields behind the consent gate.
- ``household``: the household members (``hardship_household``), ID numbers checked.
- ``assistance``: the assistance ledger (``hardship_assistance``), amounts in fen.
- ``reviews``: the annual reviews (``hardship_reviews``), which move the due date.
- ``consent``: the recorded consents (``hardship_consents``) the PIPL asks for before
  health, disability or income may be saved.
- ``sensitive``: 查看敏感信息, the full file shown only with a reason, audited.
- ``retention``: closed files kept ≥ 10 years after exit, then purged everywhere.
- ``settings``: the local income threshold the office sets.
- ``common``: the parsing and read helpers the modules share.

Every function takes the ``today`` it needs from the caller (``db.clock.today()`` in the
views and the CLI), never from the real clock.
"""
