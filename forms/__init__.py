"""The official forms (様式): declarative definitions, validation, and their PDF output.

    schema.py         what a definition is made of (FormDefinition, Section, FieldDef)
    loader.py         TOML files → definitions; broken files refused with file, line, reason
    tomlmarks.py      line numbers for TOML tables and keys (tomllib gives none)
    contract.py       answer keys the lifecycle reads, which every definition must keep
    formset.py        the shipped set overridden by a city's folder; every version kept
    validation.py     one Japanese message per field; nothing typed is dropped
    migrate.py        answers of an older version moved to a newer one
    prefill.py        empty fields filled from the household, the case and earlier forms
    render_context.py names and 和暦 for printing; ages at the form's date
    pdf/              A4 PDFs like the paper forms (fonts, kinsoku, layout, blocks, header)
    wareki.py         和暦 dates, parsed from what staff type and formatted as forms print them

Nothing here imports app, storage or Qt (checked by import-linter).
"""
