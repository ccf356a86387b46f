"""Documents and exchange files: CSV, XLSX, GeoJSON (and later PDF, HTML, KML)."""
