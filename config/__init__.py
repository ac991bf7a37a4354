"""Settings and the data files newsbot ships with."""

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def region_defs() -> tuple[dict[str, Any], ...]:
    """The region records of ``regions.json`` as loaded (keys without the ``region:`` prefix)."""
    with open(DATA_DIR / "regions.json", encoding="utf-8") as f:
        return tuple(json.load(f)["regions"])
