"""Change capture, clocks, node identity and (later) packages and merge. Qt-free by rule."""
