"""法律援助: the case list and the case page."""
