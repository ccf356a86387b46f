"""Vulnerability mapping (pemetaan kerawanan): scoring, classes, explanations, calibration,
aggregation and comparison. Pure: takes and returns domain values, never opens a file."""
