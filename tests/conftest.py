import os
from pathlib import Path

import pytest

EVAL_DIR = Path(os.environ.get("NEWSWIRE_EVAL_DIR", Path(__file__).resolve().parents[1].parent / "shared" / "eval"))


@pytest.fixture(scope="session")
def eval_dir() -> Path:
    if not EVAL_DIR.is_dir():
        pytest.skip(f"evaluation data not found at {EVAL_DIR} (set NEWSWIRE_EVAL_DIR)")
    return EVAL_DIR
