"""The service layer: use cases that join the edges (files, database) around the domain.

The CLI (and later the API) call these; each takes keyword arguments and a ``Database``, and
each write happens in one unit of work.
"""
