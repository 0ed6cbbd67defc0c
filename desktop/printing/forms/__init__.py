"""The office's paper forms on A4, pre-filled from plain dataclasses or blank.

``FORMS`` maps the CLI's form names to renderers; each takes the canvas and its data.
"""
