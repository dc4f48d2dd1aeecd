"""`make fuzz`: the deep contract run. schemathesis with every check, positive and negative generation, all its
phases (examples, coverage, fuzzing, stateful) and at least 500 examples per operation, against a real server on
loopback (micromet serve on a fresh SQLite database, or MICROMET_DATABASE_URL when set). Exits non-zero on any
failure; the JUnit report goes to bench/.data/fuzz/.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.run import DATA, ROOT, _free_port, wait_ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--max-examples", type=int, default=500, help="examples per operation (at least 500)")
    parser.add_argument("--seed", type=int, default=20261125, help="schemathesis' random seed (reproducible runs)")
    parser.add_argument("--workers", default="2", help="concurrent schemathesis workers")
    args = parser.parse_args()
    port = _free_port()
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MICROMET_SEED_DIR": str(ROOT / "seed")}
        env.setdefault("MICROMET_DATABASE_URL", f"sqlite:///{Path(folder) / 'fuzz.sqlite3'}")
        server = subprocess.Popen(
            [sys.executable, "-c", "from app.cli import main; main()", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(base, server)
            report = DATA / "fuzz"
            report.mkdir(parents=True, exist_ok=True)
            command = [
                str(Path(sys.executable).parent / "st"),
                "run",
                f"{base}/openapi.json",
                "--checks=all",
                "--mode=all",
                f"--max-examples={args.max_examples}",
                "--phases=examples,coverage,fuzzing,stateful",
                f"--seed={args.seed}",
                f"--workers={args.workers}",
                "--continue-on-failure",
                "--request-timeout=10",
                "--report=junit",
                f"--report-dir={report}",
            ]
            started = time.monotonic()
            result = subprocess.run(command, cwd=ROOT)
            print(f"fuzz: exit {result.returncode} after {time.monotonic() - started:.0f} s", flush=True)
        finally:
            server.terminate()
            server.wait(timeout=10)
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
