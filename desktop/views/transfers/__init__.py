"""会籍转接 screens: the transfer-out dialog (from the member list and the member page)
and the transfer-in dialog (from the member list), both calling
``desktop.services.transfers``."""
