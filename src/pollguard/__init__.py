"""PollGuard: plan and run the security of an election's polling stations (TPS)."""

__version__ = "0.1.0"
