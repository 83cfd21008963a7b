"""Build tools, run from the repository root (`python -m tools.<name>`); not shipped with the package."""
