"""The household list (with filters and search-as-you-type) and the household view."""
