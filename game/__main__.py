"""``python -m game`` runs the ``capwars`` command."""

from game.cli import main

raise SystemExit(main())
