"""Entry point of `python -m scripts.platform`."""

from scripts.platform.cli import main

raise SystemExit(main())
