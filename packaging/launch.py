"""Entry script of the packaged app: start-up fixes first, then the same `main` as `chorale-studio`."""
import sys

from chorale_studio.frozen import prepare_frozen_app

prepare_frozen_app()

from chorale_studio.cli import main  # noqa: E402  (after the fixes, so fluidsynth finds the bundled library)

sys.exit(main())
