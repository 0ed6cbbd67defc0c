"""荣誉: the honours list, its dialog and the title list."""
