"""UnionDesk (工会桌面通): offline-first registry for grassroots trade-union federations."""

__version__ = "0.1.0"
APP_NAME = "UnionDesk"
APP_TITLE = "工会桌面通"
