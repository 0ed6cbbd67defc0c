"""Qt presentation only: windows, pages, dialogs and item models that call services."""
