"""Publishing from disk (issue #23, part 4): the memory of `cli publish DIR`, against reading the files whole.

Builds the giveaway tier of an N-conversation demo export (`bundle --no-image`), serves the local Hub in
this process, then publishes the folder to it from a fresh process, twice:

- *from disk* — `python -m services.cli publish DIR`, as shipped: every file goes to the client as its
  path, hashed and uploaded in chunks;
- *whole in memory* — the same publish after reading every file into bytes first (how the studio
  published before: `read_release_dir` returned the files' bytes).

It prints each process's peak resident memory (`os.wait4`'s high-water mark) beside the folder's size:
from disk, the peak must not grow with the files. The dry run's diff (sha256 against the Hub's listed ids,
nothing downloaded) is timed on the unchanged repo afterwards.

    python benchmarks/bench_publish.py [--conversations 10000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
MB = 1_000_000
TOKEN = "bench-token"
WHOLE = """
import sys
from pathlib import Path
import services.cli.publish as publishing
real = publishing.read_release_dir
def whole(folder):
    files, manifest = real(folder)
    return {p: Path(v).read_bytes() for p, v in files.items()}, manifest
publishing.read_release_dir = whole
from services import cli
sys.exit(cli.main(sys.argv[1:]))
"""


def run(cmd: list[str], env: dict[str, str]) -> tuple[float, int, int]:
    """(wall seconds, peak resident bytes, exit status) of one process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    args = parser.parse_args()
    from services.local_hub.state import User
    from tests.support.hub_faults import serve_local_hub

    with tempfile.TemporaryDirectory(prefix="bench-publish-") as tmp, serve_local_hub() as hub:
        work = Path(tmp)
        hub.users[TOKEN] = User("bench", "bench@example.com", {"brightrun": "write"})
        env = {**os.environ, "HF_TOKEN": TOKEN, "HF_ENDPOINT": hub.url, "PYTHONPATH": str(ROOT),
               "STUDIO_RELEASES_FILE": str(work / "history.jsonl")}
        # The export is written by a child too: a process forked from a large parent starts its peak
        # memory (ru_maxrss, kept across exec) at the parent's, so the parent stays small.
        export = work / "export.json"
        run([sys.executable, "-m", "services.cli", "demo", "--out", str(export), "--conversations",
             str(args.conversations)], env)
        build = [sys.executable, "-m", "services.cli", "bundle", str(export), "--preset", "giveaway", "--no-image",
                 "--out", str(work / "release")]
        seconds, _, code = run(build, env)
        folder = work / "release" / "full"
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        print(f"{args.conversations:,} conversations: export {export.stat().st_size / MB:,.0f} MB, giveaway tier "
              f"{size / MB:,.1f} MB in {count} files (bundle {seconds:.1f} s, exit {code})")
        rows = []
        for label, cmd, repo in (
                ("from disk", [sys.executable, "-m", "services.cli", "publish", str(folder)], "brightrun/bench-disk"),
                ("whole in memory", [sys.executable, "-c", WHOLE, "publish", str(folder)], "brightrun/bench-whole")):
            seconds, peak, code = run([*cmd, "--repo-id", repo], env)
            rows.append((label, seconds, peak, code))
        dry = [sys.executable, "-m", "services.cli", "publish", str(folder), "--repo-id", "brightrun/bench-disk",
               "--dry-run"]
        dry_seconds, dry_peak, dry_code = run(dry, env)
        print(f"{'publish':<18}{'time':>8}{'peak memory':>14}{'peak − folder':>16}  exit")
        for label, seconds, peak, code in rows:
            print(f"{label:<18}{seconds:>7.1f}s{peak / MB:>11,.0f} MB{(peak - size) / MB:>13,.0f} MB  {code}")
        print(f"{'dry run (again)':<18}{dry_seconds:>7.1f}s{dry_peak / MB:>11,.0f} MB{'':>16}  {dry_code} "
              "(up to date: sha256 against the Hub's ids)")
        disk, whole = rows[0][2], rows[1][2]
        print(f"reading whole costs {(whole - disk) / MB:,.0f} MB more at the peak, for a {size / MB:,.0f} MB folder")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
