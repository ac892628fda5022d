"""`python -m auction_site_sandbox` runs the command line."""

from .main import main

raise SystemExit(main())
