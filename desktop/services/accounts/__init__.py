"""Accounts and sign-in (issue #23): who may open this office's registry, and as what.

- ``records``: the accounts table's one writer. ``exist``, ``create_first_admin`` (only
  while no account exists), ``add``, ``list_accounts``, ``get``, ``change_password``
  (needs the old one), ``reset_password``, ``disable`` / ``enable``, ``set_role``,
  ``set_sensitive`` — administrators only except the first and one's own password; the
  last active administrator can never be disabled or demoted.
- ``signin``: ``authenticate`` → ``acting.Actor``, ``sign_in`` / ``sign_out``,
  ``record_idle_lock``; refusals raise ``SignInRefused``.
- ``lockout``: five wrong passwords in a row lock an account for 15 minutes.
- ``passwords``: the rules (8+ characters, not all digits) and argon2id hashing.
- ``idle``: the idle-lock minutes (default 10, 0 = never, 1–240).
- ``hooks``: ``on_admin_secret(listener)`` — where the encryption keys learn of
  administrators' passwords (set, proven at sign-in, revoked).

Accounts are local to this PC's registry (never synced) and every change is audited
without the password. Qt-free: the CLI (``uniondesk users``) and the window call these.
"""
