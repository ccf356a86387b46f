"""The offline basemap's tiles: ``GET /tiles/{z}/{x}/{y}`` (the XYZ scheme Leaflet asks for)
from the archive named by ``POLLGUARD_TILES`` (``pollguard serve --tiles PATH``).

Signed in, like every page that draws a map and the settings that name this URL: a tile holds
no personal data, but the archive is the command post's own (often a licensed extract of the
operation's area, whose bounds tell where the operation is) and the server shows nothing to
someone who has not logged in; static files are public only because they are the app's own
code. A session seen in the last seconds costs no database lookup, so a screenful of tiles
costs no more than one.

Cacheable in the browser (``private``: never in a shared cache) for a day, with an ETag, since
the archive does not change while the server runs; a tile the archive does not have, or a
place outside the world, is a 404 that Leaflet simply leaves blank."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from pollguard.basemap import TileArchive
from pollguard.services.accounts import Principal
from pollguard.web.security import signed_in

router = APIRouter(include_in_schema=False)
URL_TEMPLATE = "/tiles/{z}/{x}/{y}"
MAX_AGE_S = 86_400


def archive_of(request: Request) -> TileArchive | None:
    found: TileArchive | None = request.app.state.basemap
    return found


@router.get(URL_TEMPLATE)
def tile(z: int, x: int, y: int, request: Request, who: Principal = signed_in()) -> Response:
    """One tile's bytes, with the media type of the archive's format."""
    archive = archive_of(request)
    if archive is None:
        raise HTTPException(404, "tidak ada peta dasar (POLLGUARD_TILES) / "
                                 "no basemap is set (POLLGUARD_TILES)")
    data = archive.tile(z, x, y)
    if data is None:
        raise HTTPException(404, f"tile {z}/{x}/{y} tidak ada di peta dasar / "
                                 f"tile {z}/{x}/{y} is not in the basemap")
    etag = f'"{hashlib.blake2b(data, digest_size=12).hexdigest()}"'
    headers = {"Cache-Control": f"private, max-age={MAX_AGE_S}", "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type=archive.info.media_type, headers=headers)
