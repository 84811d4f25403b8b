"""Dialogs for entering things: contacts, notes, households, members, lifecycle steps."""
