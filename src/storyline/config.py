"""Configuration in one typed object: defaults, then a TOML file, then command-line flags.

The file is ``storyline.toml`` in the working folder, or the one named by ``--config``::

    db = "news.db"
    jobs = 2
    aliases = "aliases.toml"        # the user's alias file (entity registry)
    [limits]
    max_article_mb = 10
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

CONFIG_FILE = "storyline.toml"


class ConfigError(ValueError):
    """The configuration file cannot be read or holds an unknown key."""


@dataclass(slots=True)
class Settings:
    db: str = "storyline.db"
    jobs: int = 1
    batch_size: int = 64
    engine: str = "local"
    scheduler: str | None = None
    aliases: str | None = None
    max_article_mb: float = 10.0
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Settings:
        """Defaults overridden by the TOML file (``path``, else ``./storyline.toml`` if present)."""
        settings = cls()
        file = Path(path) if path else Path(CONFIG_FILE)
        if path and not file.exists():
            raise ConfigError(f"{file}: configuration file does not exist")
        if not file.exists():
            return settings
        try:
            data = tomllib.loads(file.read_text("utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{file}: {error}") from None
        limits = data.pop("limits", {})
        if "max_article_mb" in limits:
            data["max_article_mb"] = limits.pop("max_article_mb")
        known = {f.name for f in fields(cls)} - {"extra"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConfigError(f"{file}: unknown setting(s): {', '.join(unknown)}")
        for key, value in data.items():
            setattr(settings, key, value)
        return settings

    def override(self, **flags: Any) -> Settings:
        """Apply command-line flags that were given (not None)."""
        for key, value in flags.items():
            if value is not None and hasattr(self, key):
                setattr(self, key, value)
        return self
