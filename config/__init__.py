"""Settings and the data files newsbot ships with."""

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
