"""`python -m chorale_studio` runs the same entry point as the `chorale-studio` command."""
import sys

from .cli import main

sys.exit(main())
