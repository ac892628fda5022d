"""`make demo`: load demo inventory with photos, create demo events and format them."""
