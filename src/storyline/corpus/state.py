"""Saving corpus-stage state (registry, reuse index, stories) in the store, as compressed JSON.

JSON rather than pickle: a database shared by a team must not be able to run code in the
reader. Bytes (MinHash signatures) are kept as base64 under a marker key.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any

_BYTES = "__bytes__"


def _default(obj: Any) -> Any:
    if isinstance(obj, bytes | bytearray | memoryview):
        return {_BYTES: base64.b64encode(bytes(obj)).decode("ascii")}
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"cannot save {type(obj).__name__} in corpus state")


def _hook(obj: dict[str, Any]) -> Any:
    if len(obj) == 1 and _BYTES in obj:
        return base64.b64decode(obj[_BYTES])
    return obj


def dump_state(state: Any) -> bytes:
    return zlib.compress(json.dumps(state, default=_default, separators=(",", ":")).encode("utf-8"), 3)


def load_state(blob: bytes) -> Any:
    return json.loads(zlib.decompress(blob).decode("utf-8"), object_hook=_hook)
