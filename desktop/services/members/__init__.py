"""实名制会员: the member registry, the lists built on it, and member card numbers.

Modules and their roles:

- ``registry``: register, edit, mark as left, delete (tombstone) and read one member; the
  one set of member rules (``validate``) that the dialog, the CLI and the roster import share.
- ``status_rules``: which membership statuses a clerk may give and by which act (a new
  member 在会/申请中/保留会籍; 已退会/已开除 only by 会员离会, once, on a real day; 已转出
  only by a transfer out), checked by ``registry`` before it writes.
- ``queries``: member lists for tables and exports (filters, keyset paging, masked values).
- ``card_numbers``: 会员证号 issued on registration, unique across offline PCs.
- ``photos``: a member's photo, checked by content, cropped to the card's frame, stored
  once by SHA-256.
- ``history``: a member's life for the member page and ``members history``: status
  history (written by ``writer`` with every status change), activities, transfers.

Callers import the module they need (``from desktop.services.members import registry``);
this file imports nothing, so loading ``card_numbers`` on the first start loads nothing else.
"""
