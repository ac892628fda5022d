"""Drives the auction site admin pages with Playwright and Chromium."""
