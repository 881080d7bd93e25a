"""How long `python -m chorale_studio` takes to put its window on screen (target: ≤ 1.5 s).

Launches the real command in a subprocess on the offscreen platform with
CHORALE_STUDIO_STARTUP_T0 set to the launch time; the app prints the time at
which its window was shown and quits.  Run: python benchmarks/startup.py [runs]
"""
from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time


def one_run(settings_dir: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"),
               XDG_CONFIG_HOME=settings_dir)
    env["CHORALE_STUDIO_STARTUP_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-m", "chorale_studio"], env=env, capture_output=True, text=True,
                         timeout=60)
    match = re.search(r"window shown after ([0-9.]+) s", out.stdout)
    if out.returncode != 0 or not match:
        raise SystemExit(f"the app did not report its startup (exit {out.returncode}):\n{out.stdout}{out.stderr}")
    return float(match.group(1))


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    with tempfile.TemporaryDirectory() as settings_dir:
        times = [one_run(settings_dir) for _ in range(runs)]
    print("startup (s):", " ".join(f"{t:.3f}" for t in times))
    print(f"median {statistics.median(times):.3f} s, best {min(times):.3f} s (target ≤ 1.5 s)")


if __name__ == "__main__":
    main()
