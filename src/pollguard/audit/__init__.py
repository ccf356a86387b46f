"""The tamper-evident audit trail: every state change appended to a hash-chained log."""
