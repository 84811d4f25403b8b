"""The official forms (様式): declarative definitions, validation, and their PDF output.

Also home to 和暦 (Japanese era) dates, which every form prints and every date field accepts.
"""
