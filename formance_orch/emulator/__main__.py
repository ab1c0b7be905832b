"""``python -m formance_orch.emulator``: see ``formance_orch.emulator.cli``."""

from formance_orch.emulator.cli import main

raise SystemExit(main())
