"""The service layer: use cases that join the edges (files, database) around the domain.

The command line and the web API call these, and only these, to read or change what is
stored: neither imports ``pollguard.store`` (an import contract in ``pyproject.toml`` checks
it). Each use case takes keyword arguments and a ``Database`` (``pollguard.services.database``),
and each write happens in one unit of work with its audit entry.
"""
