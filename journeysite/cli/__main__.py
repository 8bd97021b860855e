"""`python -m journeysite.cli`, as the `journeysite` command."""

import sys

from journeysite.cli import main

sys.exit(main())
