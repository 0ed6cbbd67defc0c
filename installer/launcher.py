"""The frozen executable's script: the same entry point as the ``uniondesk`` console script."""

from __future__ import annotations

import sys

from desktop.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
