"""Build tool: converts PETRARCH2's coding dictionaries into dyadwatch data files (see README.md here)."""
