"""基层工会: the union list page and its dialog."""
