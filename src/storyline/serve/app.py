"""The web application: JSON API under ``/api/``, server-rendered pages, static files, security headers.

Swagger UI and ReDoc are off (they load their assets from a CDN, which the Content-Security-Policy
forbids and an offline machine cannot reach); the OpenAPI document is served at ``/openapi.json``
and ``/docs`` renders it server-side as a plain reference page.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from storyline import __version__
from storyline.serve import api, pages
from storyline.serve.security import SameOriginWriteGuard, SecurityHeadersMiddleware
from storyline.store import Store

STATIC_DIR = Path(__file__).parent / "static"


def create_app(db: str, allow_edits: bool = False) -> FastAPI:
    """The app over the store at ``db`` (SQLite path or database URL); read-only unless ``allow_edits``."""
    store = Store(db)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        store.close()

    app = FastAPI(
        title="Storyline",
        version=__version__,
        summary="Stories, timelines, quotes and entities found in a pile of news articles.",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.allow_edits = allow_edits
    app.include_router(api.router)
    app.include_router(pages.router)
    app.add_exception_handler(HTTPException, pages.error_page)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.add_middleware(SameOriginWriteGuard)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
