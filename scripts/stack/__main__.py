"""Entry point of `python -m scripts.stack`."""

from scripts.stack.cli import main

raise SystemExit(main())
