"""Where the per-article stages run when they do not run in the ingesting process (Dask)."""
