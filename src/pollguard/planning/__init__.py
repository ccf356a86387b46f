"""Deployment planning: duties, posts by the doctrine's patterns, the choice of N, plotting
officers to posts (min-cost flow), reserve staging (HiGHS MIP), minimum-change re-planning
and the manual baseline. Pure: takes and returns domain values."""
