"""The database as the edges see it: the handle every use case takes, and how it is opened.

The command line and the web server open one ``Database`` and pass it to the services; they
never reach into ``pollguard.store`` themselves (an import contract checks it). This module is
that door for the handle: ``Database``, ``open_database`` and the URL settings are the store's,
named here."""

from __future__ import annotations

from pollguard.store.database import DEFAULT_URL, ENV_URL, Database, database_url, open_database

__all__ = ["DEFAULT_URL", "ENV_URL", "Database", "database_url", "open_database"]
