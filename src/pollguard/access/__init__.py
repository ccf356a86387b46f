"""Who may see and do what: roles, permissions and the jurisdiction a user is scoped to."""

from pollguard.access.roles import MATRIX, Permission, Role, can, permissions_of
from pollguard.access.scope import Scope

__all__ = ["MATRIX", "Permission", "Role", "Scope", "can", "permissions_of"]
