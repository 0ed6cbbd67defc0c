"""设置: the settings page (``page``), one group box per owner (``groups``)."""
