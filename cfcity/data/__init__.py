"""Data shipped with cfcity: the reference plan (a public government notice)."""
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent
REFERENCE_PLAN = DATA_DIR / "huantai-2022-33-child-friendly-city-action-plan.txt"


def reference_plan_path() -> Path:
    return REFERENCE_PLAN
