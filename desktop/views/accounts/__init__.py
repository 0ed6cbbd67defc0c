"""Accounts in the window (issue #23): who is signed in, and the screens around it.

- ``gate``: the log-in before the registry opens (when accounts exist), and again after
  signing out.
- ``login_dialog``: user name and password; says why a sign-in was refused.
- ``first_admin``: the first-run step that makes the office's administrator.
- ``session``: the signed-in account in the window — status bar, the 账号 menu (修改密码,
  锁定, 退出登录) and the idle lock.
- ``idle``: input watcher that fires after the configured idle minutes.
- ``lock_screen``: covers the window until the same account's password (or another
  account, which signs the first out) is given.
- ``change_password_dialog``, ``account_dialog``, ``page``: 修改密码, 添加账号, 账号管理.
"""
