"""I/O of the site bot: the browser session, the site's pages, the banner, stored artifacts."""
