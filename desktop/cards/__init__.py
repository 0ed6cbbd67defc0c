"""Member-card payloads: the signed QR content, shared by printing (which signs it) and
by the services that read a scan (sign-in, card verification).

It sits below both: printing already imports services, so the parser living in printing
would make services import printing back. Only storage, models and ``desktop.errors``
are used here; no Qt.
"""
