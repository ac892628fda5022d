"""Photo conversion (CPU-bound) and the executor helpers that keep it off the event loop."""

from auction_images.processing.convert import ALLOWED_FORMATS, process_photo

__all__ = ["ALLOWED_FORMATS", "process_photo"]
