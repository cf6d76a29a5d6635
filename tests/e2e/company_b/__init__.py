"""Nordhav, the second fixture company: a small Norwegian homeware shop (see ``generate``).

Only the six commerce sources, timezone Europe/Oslo, currency NOK, no targets. ``generate``
writes its landing files; ``oracle`` recomputes its headline KPIs from them in plain Python.
"""
