"""荣誉: honours of members and teams, and the editable list of titles.

Modules and their roles (callers import the module they need by name):

- ``titles``: the 荣誉称号 list (南粤工匠, 劳动模范, 工人先锋号 …), seeded and editable,
  referred to by stable code. The one writer of ``honour_titles``.
- ``records``: the honours themselves (member or team, title, level, year, awarding
  body) and the member list's honour filter. The one writer of ``honours``.
"""
