"""The directory (名簿) screens: the list of each kind and the dialog that adds or edits an entry."""
