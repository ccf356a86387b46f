"""``uvicorn pollguard.web.main:app``: the app on ``POLLGUARD_DATABASE_URL`` (or ./pollguard.db),
for running several workers or behind another ASGI server."""

from pollguard.web.app import create_app

app = create_app()
# Every worker loads the operation before it takes its first connection (the lifespan),
# as `pollguard serve` with one worker does before it starts listening.
app.state.load_at_start = True
