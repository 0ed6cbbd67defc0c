"""入会申请: record an application, review it (approve → a member; reject with a reason).

Modules and their roles:

- ``records``: the one module that writes ``applications``: add, approve, reject. An
  approval creates (or, for a former member, reactivates) the member through the member
  writer, with a card number, join date and status history, in one transaction.
- ``queries``: the review queue (filter by status, search), counts by status, one
  application in full.

Callers import the module they need (``from desktop.services.applications import records``).
"""
