"""Use cases shared by the GUI and the CLI: plain data in, plain data out. Qt-free by rule."""
