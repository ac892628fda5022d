"""Pure rules of the site bot: event schedule, texts, import reports, voiding, retries."""
