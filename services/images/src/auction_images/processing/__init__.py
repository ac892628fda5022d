"""Photo conversion (CPU-bound) and the executor helpers that keep it off the event loop."""

from auction_images.processing.convert import ALLOWED_FORMATS, process_photo
from auction_images.processing.pool import (
    ExecutorKind,
    PhotoJob,
    PhotoOutcome,
    make_executor,
    process_many,
    run_in_pool,
)

__all__ = [
    "ALLOWED_FORMATS",
    "ExecutorKind",
    "PhotoJob",
    "PhotoOutcome",
    "make_executor",
    "process_many",
    "process_photo",
    "run_in_pool",
]
