"""`python -m bot.cli` is the same as the `parley` console command."""

import sys

from bot.cli.parley import main

sys.exit(main())
