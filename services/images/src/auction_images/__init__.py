"""Downloads, checks and shrinks lot photos into object storage."""
