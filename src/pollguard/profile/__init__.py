"""The doctrine profile: what counts as vulnerable and how much (indicators, weights, class
thresholds, hard rules, event spillover). A TOML file users copy and edit; the shipped
default is ``id-pilkada-2024``."""

from pollguard.profile.model import (
    DEFAULT_PROFILE,
    Profile,
    ProfileError,
    dump_profile,
    load_profile,
)

__all__ = ["DEFAULT_PROFILE", "Profile", "ProfileError", "dump_profile", "load_profile"]
