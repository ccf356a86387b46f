"""Offline basemaps: a raster tile archive that the command post brings (MBTiles or PMTiles),
read tile by tile so that the command centre can serve it at ``/tiles/{z}/{x}/{y}`` with no
internet. An adapter for a file, like the store is for the database: it only ever reads it."""

from pollguard.basemap.archive import ArchiveError, ArchiveInfo, TileArchive
from pollguard.basemap.opener import open_archive

__all__ = ["ArchiveError", "ArchiveInfo", "TileArchive", "open_archive"]
