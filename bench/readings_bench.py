"""Benchmark of reading ingest over HTTP: gunicorn + PostgreSQL, single POST next to a bare Flask endpoint, and batch.

Run:  cd /work/main && .venv/bin/python bench/readings_bench.py
      options: --pg postgresql://postgres@127.0.0.1:5432  --db jiayi_readings_bench  --duration 20
               --clients 50  --workers 4  --threads 4  --residents 1000  --batch-size 1000  --batch-clients 4
               --port 8765  --json (print the figures as one JSON line too)  --no-keepalive
               --phases bare,single,batch (a subset for quick comparisons)
               --rates 50,100,150 (open-loop single POST phases at these total arrival rates; "" for none)

What it does (each phase bounded by --duration seconds, after a 3 s warm-up):
1. drops and creates the database --db on the --pg server, migrates it to "heads" and seeds it through
   the services (one team, --residents residents with a contract and consent, a token each);
2. starts gunicorn (gthread, --workers x --threads) on 127.0.0.1:--port serving this module's `wsgi()`:
   the real app, plus a bare Flask app mounted at /bare (no database, no auth: JSON in, JSON out) that
   exists only inside this benchmark's WSGI wrapper;
3. bare:   --clients concurrent keep-alive clients POST a reading-sized JSON body to /bare/;
   single: the same clients POST /api/v1/readings/bp, each as its own residents (resident tokens,
           a fresh client_id each, normal values: the rules run and find nothing);
   batch:  --batch-clients clients POST /api/v1/readings/batch with --batch-size items (70 % BP, 30 % glucose);
   paced@R: the single POST again, but open loop: the same --clients clients send Poisson arrivals adding up
           to R requests/s, and latency counts from the scheduled send time (no coordinated omission);
4. prints requests/s and p50/p99 latency for bare and single, their ratio, batch readings/s, and per paced
   rate the achieved rate and p50/p99 — the load up to which p99 stays under a target, where the closed-loop
   "single" phase only shows the latency of a saturated server (50 clients / throughput, by Little's law).
The load generator is one asyncio process on the same machine, so it takes CPU from the server too;
the ratio to the bare endpoint is the figure that carries over between machines.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import create_database  # noqa: E402


# --- the server side: this module is also gunicorn's app ----------------------------------------------------------
def wsgi():
    """The real app with a bare Flask endpoint mounted at /bare (the benchmark's yardstick)."""
    from flask import Flask, jsonify, request
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from app import create_app

    real = create_app()
    bare = Flask("bare")

    @bare.post("/")
    def echo():
        body = request.get_json()
        return jsonify({"ok": True, "systolic": body.get("systolic")}), 201

    real.wsgi_app = DispatcherMiddleware(real.wsgi_app, {"/bare": bare})
    return real


# --- database and seed ----------------------------------------------------------------------------------------------


def seed(url: str, n_residents: int) -> list[str]:
    """Migrate and seed through the services; returns one resident token per resident."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DEMO_MODE", "1")  # a local benchmark: demo secrets
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import auth, contracts, institutions, packages, residents, staff, teams
    from app.services.actors import Actor, system_actor
    from app.services.demo import make_id_card
    from models.org import Consortium

    app = create_app({"PASSWORD_HASH_COST": (1, 1024)})
    tokens: list[str] = []
    with app.app_context():
        upgrade(revision="heads")
        s = db.session
        now = datetime.now(timezone.utc)
        consortium = Consortium(code="bench", name="基准医共体")
        s.add(consortium)
        s.flush()
        admin = Actor(kind="staff", id=0, consortium_id=consortium.id, role="admin")
        county = institutions.create_institution(s, actor=admin, name="县医院", level="county")
        town = institutions.create_institution(s, actor=admin, name="镇卫生院", level="township", parent_id=county.id)
        clinic = institutions.create_institution(s, actor=admin, name="村卫生室", level="village", parent_id=town.id)
        village = institutions.create_village(s, actor=admin, name="基准村", clinic_id=clinic.id,
                                              population=n_residents * 3)
        people = {}
        for username, role, inst in (("b_county", "county_doctor", county), ("b_gp", "township_doctor", town),
                                     ("b_vdoc", "village_doctor", clinic)):
            people[role] = staff.create_staff(s, actor=admin, username=username, password="bench-password-1",
                                              full_name=username, role=role, institution_id=inst.id)
        team = teams.create_team(s, actor=admin, name="基准团队", county_doctor_id=people["county_doctor"].id,
                                 township_doctor_id=people["township_doctor"].id,
                                 village_doctor_id=people["village_doctor"].id, village_ids=[village.id])
        package = packages.create_package(s, actor=admin, code="basic", name="基础包", target_group="all", price_fen=0,
                                          subsidy_fen=0, items=[{"code": "record", "name": "健康档案",
                                                                 "yearly_quantity": 1}])
        system = system_actor(consortium.id)
        lead = Actor(kind="staff", id=team.lead_id, consortium_id=consortium.id, role="township_doctor",
                     team_ids=frozenset({team.id}))
        rng = random.Random(7)
        for i in range(n_residents):
            born = date(1940, 1, 1) + timedelta(days=11 * i)  # distinct birth dates: distinct ID-card numbers
            card = make_id_card(rng, "330102", born, i % 2 == 0)
            resident = residents.register_resident(s, actor=system, name=f"居民{i}", id_card=card,
                                                   village_id=village.id, conditions=["hypertension"])
            contract = contracts.apply_contract(s, actor=system, resident_id=resident.id, team_id=team.id,
                                                package_ids=[package.id], now=now)
            contracts.approve_contract(s, actor=lead, contract_id=contract.id, now=now)
            residents.record_consent(s, actor=system, resident_id=resident.id, version="2026-01", channel="bench",
                                     now=now)
            tokens.append(auth.dev_login(s, resident_id=resident.id, now=now, ttl=timedelta(hours=3)).token)
            if i % 200 == 199:
                s.commit()
        s.commit()
    return tokens


# --- the load generator -------------------------------------------------------------------------------------------------
class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: dict[int, int] = {}
        self.items = 0

    def summary(self, elapsed: float) -> dict:
        lat = sorted(self.latencies)
        pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1)) if lat else (lambda q: None)
        return {"requests": len(lat), "per_s": round(len(lat) / elapsed, 1), "p50_ms": pick(0.50),
                "p99_ms": pick(0.99), "errors": self.errors, "items_per_s": round(self.items / elapsed, 1)}


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, dict[str, str], bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return status, headers, body


KEEP_ALIVE = True


async def _client(port: int, deadline: float, next_request, stats: Stats, count_items,
                  interval: float | None = None, rng: random.Random | None = None) -> None:
    """Closed loop (the next request when the answer arrives) or, with `interval`, open loop: Poisson arrivals
    with that mean gap, latency counted from the scheduled send time so a slow server cannot hide its queue."""
    reader = writer = None
    scheduled = time.perf_counter() + (rng.expovariate(1 / interval) if interval else 0.0)
    while time.perf_counter() < deadline:
        if interval:
            if scheduled >= deadline:
                break
            await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        if writer is None:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        path, token, payload = next_request()
        body = json.dumps(payload).encode()
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        close = "" if KEEP_ALIVE else "Connection: close\r\n"
        request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{auth}{close}"
                   f"Content-Length: {len(body)}\r\n\r\n").encode() + body
        t0 = scheduled if interval else time.perf_counter()
        if interval:
            scheduled += rng.expovariate(1 / interval)
        writer.write(request)
        await writer.drain()
        try:
            status, headers, data = await _read_response(reader)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            writer = None
            stats.errors[0] = stats.errors.get(0, 0) + 1
            continue
        if status in (200, 201):
            stats.latencies.append(time.perf_counter() - t0)
            stats.items += count_items(data)
        else:
            stats.errors[status] = stats.errors.get(status, 0) + 1
        if not KEEP_ALIVE or headers.get("connection", "").lower() == "close":
            writer.close()
            writer = None
    if writer is not None:
        writer.close()


def run_phase(port: int, clients: int, seconds: float, make_next, count_items=lambda data: 1,
              rate: float | None = None) -> dict:
    """Closed loop, or with `rate` (requests/s over all clients) open loop at that mean arrival rate."""
    stats = Stats()
    interval = clients / rate if rate else None

    async def main():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_client(port, deadline, make_next(i), stats, count_items, interval,
                                       random.Random(1000 + i)) for i in range(clients)))

    t0 = time.perf_counter()
    asyncio.run(main())
    return stats.summary(time.perf_counter() - t0)


def bp_payload(rng: random.Random) -> dict:
    at = datetime.now(timezone.utc) - timedelta(seconds=rng.randint(60, 3 * 86400))
    return {"systolic": rng.randint(110, 139), "diastolic": rng.randint(65, 84), "pulse": rng.randint(60, 90),
            "measured_at": at.isoformat(), "client_id": str(uuid.uuid4())}


def single_requests(tokens: list[str], clients: int, path: str, with_token: bool):
    def make_next(i: int):
        mine = tokens[i::clients] or tokens
        rng = random.Random(i)
        state = {"k": 0}

        def nxt():
            state["k"] += 1
            return path, (mine[state["k"] % len(mine)] if with_token else None), bp_payload(rng)
        return nxt
    return make_next


def batch_requests(tokens: list[str], clients: int, size: int):
    def make_next(i: int):
        mine = tokens[i::clients] or tokens
        rng = random.Random(100 + i)
        state = {"k": 0}

        def nxt():
            state["k"] += 1
            now = datetime.now(timezone.utc)
            items = []
            for j in range(size):
                at = (now - timedelta(minutes=17 * j + rng.randint(0, 9))).isoformat()
                if rng.random() < 0.7:
                    items.append({"type": "bp", "systolic": rng.randint(110, 150), "diastolic": rng.randint(65, 92),
                                  "measured_at": at, "client_id": str(uuid.uuid4())})
                else:
                    items.append({"type": "glucose", "value": round(rng.uniform(4.5, 11.0), 1),
                                  "context": rng.choice(["fasting", "postprandial"]), "measured_at": at,
                                  "client_id": str(uuid.uuid4())})
            return "/api/v1/readings/batch", mine[state["k"] % len(mine)], {"items": items}
        return nxt
    return make_next


def batch_accepted(data: bytes) -> int:
    return json.loads(data).get("accepted", 0)


# --- driver ----------------------------------------------------------------------------------------------------------------
def start_server(url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "DEMO_MODE": os.environ.get("DEMO_MODE", "1"), "DATABASE_URL": url, "RATELIMIT_READINGS": "100000000 per minute"}
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
           "--worker-class", "gthread", "--keep-alive", "75", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
           "--chdir", str(ROOT), "bench.readings_bench:wsgi()"]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            import urllib.request

            req = urllib.request.Request(f"http://127.0.0.1:{port}/bare/", data=b'{"systolic": 1}',
                                         headers={"Content-Type": "application/json"})
            urllib.request.urlopen(req, timeout=2)
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn exited during start-up")
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 60 s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    p.add_argument("--db", default="jiayi_readings_bench")
    p.add_argument("--duration", type=float, default=20.0)
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--residents", type=int, default=1000)
    p.add_argument("--batch-size", type=int, default=1000)
    p.add_argument("--batch-clients", type=int, default=4)
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--json", action="store_true")
    p.add_argument("--no-keepalive", action="store_true", help="a new connection per request")
    p.add_argument("--phases", default="bare,single,batch", help="comma-separated subset of bare,single,batch")
    p.add_argument("--rates", default="50,100,150", help="open-loop single POST phases, total requests/s each")
    args = p.parse_args(argv)
    global KEEP_ALIVE
    KEEP_ALIVE = not args.no_keepalive
    phases = set(args.phases.split(","))
    skipped = {"requests": 0, "per_s": 0, "p50_ms": None, "p99_ms": None, "errors": {}, "items_per_s": 0}

    t0 = time.perf_counter()
    url = create_database(args.pg, args.db)
    tokens = seed(url, args.residents)
    print(f"seeded {len(tokens)} residents in {time.perf_counter() - t0:.1f} s ({url})", flush=True)
    server = start_server(url, args.port, args.workers, args.threads)
    try:
        run_phase(args.port, args.clients, 3, single_requests(tokens, args.clients, "/bare/", False))
        run_phase(args.port, args.clients, 3, single_requests(tokens, args.clients, "/api/v1/readings/bp", True))
        bare = single = batch = skipped
        if "bare" in phases:
            bare = run_phase(args.port, args.clients, args.duration,
                             single_requests(tokens, args.clients, "/bare/", False))
        if "single" in phases:
            single = run_phase(args.port, args.clients, args.duration,
                               single_requests(tokens, args.clients, "/api/v1/readings/bp", True))
        if "batch" in phases:
            batch = run_phase(args.port, args.batch_clients, args.duration,
                              batch_requests(tokens, args.batch_clients, args.batch_size), batch_accepted)
        paced = {}
        for rate in [float(r) for r in args.rates.split(",") if r.strip()]:
            paced[f"paced@{rate:g}"] = run_phase(
                args.port, args.clients, args.duration,
                single_requests(tokens, args.clients, "/api/v1/readings/bp", True), rate=rate)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ratio = round(single["per_s"] / bare["per_s"], 3) if bare["per_s"] else None
    print(f"gunicorn gthread {args.workers}x{args.threads}, {args.clients} clients "
          f"({'keep-alive' if KEEP_ALIVE else 'a connection per request'}), {args.duration:.0f} s per phase, "
          f"{os.cpu_count()} CPUs (load generator on the same machine), load average {os.getloadavg()[0]:.1f}")
    print(f"{'phase':<12}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'readings/s':>12}  errors")
    for name, r in (("bare", bare), ("single", single), ("batch", batch), *paced.items()):
        print(f"{name:<12}{r['per_s']:>10}{r['p50_ms']!s:>10}{r['p99_ms']!s:>10}"
              f"{(r['items_per_s'] if name != 'bare' else '-')!s:>12}  {r['errors'] or '-'}")
    print(f"single / bare throughput ratio: {ratio}")
    if args.json:
        print(json.dumps({"bare": bare, "single": single, "batch": batch, **paced, "ratio": ratio, "workers": args.workers,
                          "threads": args.threads, "clients": args.clients, "duration_s": args.duration}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
