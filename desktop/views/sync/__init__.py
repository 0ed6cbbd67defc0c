"""The 数据同步 area: this PC's identity, trusted offices, export/import wizards,
conflicts and the history of packages sent and received."""
