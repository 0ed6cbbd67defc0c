"""基层工会 and the federation: who the members belong to, and who runs this installation.

Modules and their roles:

- ``registry``: add, edit, list and remove (tombstone) the unions of the federation.
- ``federations``: the federation that runs this installation, created once on first start.
- ``scope``: which federations a roll-up covers (all held here, 本会, or one received
  sub-federation), for the lists, figures, reports and exports of an upper office.

Callers import the module they need; this file imports nothing, so the cold start (which
loads ``federations``) pays for that module alone.
"""
