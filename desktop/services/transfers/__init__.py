"""会籍转接: a member moving to another union inside the federation, out of it, or in
from elsewhere (issue #21 item 3).

Modules and their roles:

- ``records``: the one module that writes ``transfers``: out inside the federation (the
  member moves in one step), out of it (a slip number, status 已转出), in from elsewhere
  (linked to an earlier record of the same person, else a plain join with a note); the
  member and its status history through the member writer, in the same transaction.
- ``checks``: the checks of a transfer's own values (date, texts, slip number).
- ``slips``: slip numbers no two offline PCs can repeat, and the slip's signed QR.
- ``queries``: one transfer, the list (newest first), for the CLI, dialogs and printing.

Callers import the module they need (``from desktop.services.transfers import records``).
"""
