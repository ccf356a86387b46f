"""National scale: every Polda planned at once, one independent task per province, on a
local loop or on Ray, merged into one national picture."""
