"""Entry point of `python -m scripts.demo`."""

from scripts.demo.run import main

raise SystemExit(main())
