"""The command centre: a FastAPI application serving the JSON API (``/api/v1``) and the
pages that read it. An adapter at the edge: it calls services and reads views, nothing else."""
