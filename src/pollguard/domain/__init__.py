"""The pure domain of an election's geography and forces: no I/O, no frameworks.

Invariants are declared on the dataclasses as ``Annotated`` metadata (``annotated_types``),
so the edges can validate rows into them without the domain knowing about files.
"""
