"""The ``pollguard`` command line (Typer + Rich)."""
