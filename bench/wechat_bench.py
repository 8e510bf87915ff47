"""Benchmark of the WeChat callback: signed safe-mode deliveries from 100 simulated users to gunicorn on PostgreSQL.

Run:  cd /work/main && .venv/bin/python bench/wechat_bench.py
      options: --pg postgresql://postgres@127.0.0.1:5432  --db jiayi_wechat_bench  --users 100
               --duration 25 (latency phase)  --saturation 12 (each throughput phase)  --think 3,7
               --workers 4  --threads 4  --port 8766  --json
               --redis redis://127.0.0.1:6379/5 (the seen-once nonces in Redis, as production sets REDIS_URL;
                                                  default: $REDIS_URL, else the nonces go to the database)
               --reuse-port (each worker accepts on its own SO_REUSEPORT socket: the kernel spreads the users'
                             connections evenly. Without it the workers race to accept on one socket, and now and
                             then one worker is left with few connections in the /bare phase, which then runs at
                             about one core's speed: the yardstick falls by half. docs/benchmarks.md, eighth pass)

What it does (at most 60 s of load in all: 3 s warm-up + --duration + 2 x --saturation, clamped):
1. drops and creates --db on the --pg server, migrates it to "heads" and seeds it through the services:
   one 1+1+1 team, --users residents with a contract and consent, each bound to its own openid through
   app.services.wechat_accounts.bind_resident (name + ID-card suffix, as the bot does);
2. starts gunicorn (gthread, --workers x --threads) on 127.0.0.1:--port serving this module's `wsgi()`:
   the real app, plus a bare Flask app mounted at /bare (reads the body, answers "success", no
   database) that exists only inside this benchmark's WSGI wrapper;
3. pre-builds each user's deliveries as WeChat would send them in safe mode (AES-encrypted, msg_signature,
   signature, timestamp, nonce): 70 % BP readings ("血压 138/86 心率 72"), 10 % glucose, 10 % 最近血压,
   5 % 我的医生, 5 % a retry of the previous delivery (same MsgId: the dedup path);
4. warm-up (3 s, no think time: every gunicorn worker loads its code paths), then the latency phase:
   --users keep-alive users, each sending its next delivery after a think time drawn from
   --think seconds (people type), for --duration s → p50 / p99, the count slower than 4.5 s, how many
   were answered "success" by the watchdog instead of a passive reply;
5. throughput phases: the same users with no think time against /wechat, then against /bare, for
   --saturation s each → requests/s and their ratio;
6. checks: a sample of replies is decrypted (signature verified) and must be text replies to the user;
   readings stored == unique reading deliveries answered (retries stored nothing).
The load generator is one asyncio process on the same machine, so it takes CPU from the server too;
the ratio to the bare endpoint is the figure that carries over between machines.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import create_database  # noqa: E402

TOKEN = "jiayi-bench-token"
APPID = "wxbench000000001"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
SERVER_ENV = {"DEMO_MODE": "1", "WECHAT_TOKEN": TOKEN, "WECHAT_APPID": APPID, "WECHAT_ENCODING_AES_KEY": AES_KEY, "WECHAT_PUSH": "false"}
SLOW_SECONDS = 4.5
MAX_LOAD_SECONDS = 60.0
WARM_UP_SECONDS = 3.0


# --- the server side: this module is also gunicorn's app ----------------------------------------------------------
def wsgi():
    """The real app with a bare Flask endpoint mounted at /bare (the benchmark's yardstick)."""
    from flask import Flask, request
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    from app import create_app

    real = create_app()
    logging.getLogger("app.wechat").setLevel(logging.WARNING)  # no INFO line per duplicate
    bare = Flask("bare")

    @bare.post("/")
    def success():
        request.get_data()
        return "success", 200, {"Content-Type": "text/plain"}

    real.wsgi_app = DispatcherMiddleware(real.wsgi_app, {"/bare": bare})
    return real


# --- database and seed ----------------------------------------------------------------------------------------------


def seed(url: str, n_users: int) -> list[str]:
    """Migrate and seed through the services; returns the bound openids."""
    os.environ["DATABASE_URL"] = url
    os.environ.update(SERVER_ENV)
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db
    from app.services import contracts, institutions, packages, residents, staff, teams, wechat_accounts
    from app.services.actors import Actor, system_actor
    from app.services.demo import make_id_card
    from models.org import Consortium

    app = create_app({"PASSWORD_HASH_COST": (1, 1024)})
    openids: list[str] = []
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
        village = institutions.create_village(s, actor=admin, name="基准村", clinic_id=clinic.id, population=n_users * 3)
        people = {}
        for username, role, inst in (("w_county", "county_doctor", county), ("w_gp", "township_doctor", town),
                                     ("w_vdoc", "village_doctor", clinic)):
            people[role] = staff.create_staff(s, actor=admin, username=username, password="bench-password-1",
                                              full_name=username, role=role, institution_id=inst.id,
                                              phone="13900000000" if role == "village_doctor" else None)
        team = teams.create_team(s, actor=admin, name="基准团队", county_doctor_id=people["county_doctor"].id,
                                 township_doctor_id=people["township_doctor"].id,
                                 village_doctor_id=people["village_doctor"].id, village_ids=[village.id])
        package = packages.create_package(s, actor=admin, code="basic", name="基础包", target_group="all", price_fen=0,
                                          subsidy_fen=0, items=[{"code": "record", "name": "健康档案",
                                                                 "yearly_quantity": 1}])
        system = system_actor(consortium.id)
        lead = Actor(kind="staff", id=team.lead_id, consortium_id=consortium.id, role="township_doctor",
                     team_ids=frozenset({team.id}))
        rng = random.Random(11)
        for i in range(n_users):
            born = date(1940, 1, 1) + timedelta(days=13 * i)
            card = make_id_card(rng, "330102", born, i % 2 == 0)
            name = "居民" + "".join("零一二三四五六七八九"[int(d)] for d in f"{i:03d}")
            resident = residents.register_resident(s, actor=system, name=name, id_card=card, village_id=village.id,
                                                   conditions=["hypertension"])
            contract = contracts.apply_contract(s, actor=system, resident_id=resident.id, team_id=team.id,
                                                package_ids=[package.id], now=now)
            contracts.approve_contract(s, actor=lead, contract_id=contract.id, now=now)
            residents.record_consent(s, actor=system, resident_id=resident.id, version="2026-01", channel="bench",
                                     now=now)
            openid = f"obench{i:04d}{secrets.token_hex(4)}"
            assert wechat_accounts.bind_resident(s, openid=openid, name=name, secret=card[-6:], now=now).ok
            openids.append(openid)
        s.commit()
    return openids


# --- deliveries -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Delivery:
    kind: str  # bp | glucose | recent | doctor | retry
    path: str  # /wechat?query
    body: bytes
    msg_id: str


def build_deliveries(openid: str, n: int, rng: random.Random, ids) -> list[Delivery]:
    """What WeChat would POST for this user's next n messages (safe mode, fresh nonce each)."""
    from app.wechat.transport import TransportConfig, build_encrypted_body

    config = TransportConfig(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY)
    out: list[Delivery] = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.05 and out:
            previous = out[-1]
            if previous.kind != "retry":
                out.append(Delivery("retry", previous.path, previous.body, previous.msg_id))
                continue
        if roll < 0.75:
            kind, text = "bp", f"血压 {rng.randint(112, 150)}/{rng.randint(68, 94)} 心率 {rng.randint(58, 96)}"
        elif roll < 0.85:
            kind, text = "glucose", f"血糖 空腹 {rng.randint(48, 69) / 10}"
        elif roll < 0.95:
            kind, text = "recent", "最近血压"
        else:
            kind, text = "doctor", "我的医生"
        msg_id = str(next(ids))
        created = int(time.time())
        inner = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[{openid}]]>"
                 f"</FromUserName><CreateTime>{created}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
                 f"<Content><![CDATA[{text}]]></Content><MsgId>{msg_id}</MsgId></xml>")
        body, query = build_encrypted_body(config, inner, nonce=secrets.token_hex(5), timestamp=str(created),
                                           to_user="gh_bench")
        out.append(Delivery(kind, "/wechat?" + urlencode({**query, "openid": openid}), body.encode(), msg_id))
    return out


# --- the load generator ---------------------------------------------------------------------------------------------
@dataclass
class Stats:
    latencies: list[float] = field(default_factory=list)
    errors: dict[int, int] = field(default_factory=dict)
    success_answers: int = 0  # "success": the watchdog deferred the reply
    answered: list[Delivery] = field(default_factory=list)
    sample: list[tuple[str, bytes]] = field(default_factory=list)

    def summary(self, elapsed: float) -> dict:
        lat = sorted(self.latencies)
        pick = (lambda q: round(lat[min(len(lat) - 1, int(q * len(lat)))] * 1000, 1)) if lat else (lambda q: None)
        return {"requests": len(lat), "per_s": round(len(lat) / elapsed, 1), "p50_ms": pick(0.50),
                "p99_ms": pick(0.99), "max_ms": pick(1.0), "slower_than_4_5s": sum(1 for x in lat if x > SLOW_SECONDS),
                "success_answers": self.success_answers, "errors": self.errors}


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


async def _user(port: int, deadline: float, deliveries: list[Delivery], stats: Stats, *, bare: bool,
                think: tuple[float, float] | None, rng: random.Random, openid: str) -> None:
    reader = writer = None
    index = 0
    if think:  # people do not all press send in the same instant: spread the first messages
        await asyncio.sleep(rng.uniform(0, think[1]))
    while time.perf_counter() < deadline and index < len(deliveries):
        delivery = deliveries[index]
        index += 1
        path = "/bare/" if bare else delivery.path
        request = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/xml\r\n"
                   f"Content-Length: {len(delivery.body)}\r\n\r\n").encode() + delivery.body
        for attempt in range(2):  # gunicorn closes idle keep-alive connections: reconnect and resend once
            if writer is None:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
            t0 = time.perf_counter()
            try:
                writer.write(request)
                await writer.drain()
                status, headers, data = await _read_response(reader)
                break
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                writer = None
        else:
            stats.errors[0] = stats.errors.get(0, 0) + 1
            if not bare:
                stats.answered.append(delivery)  # it may have been handled: count it for the readings check
            continue
        elapsed = time.perf_counter() - t0
        if status == 200:
            stats.latencies.append(elapsed)
            if not bare:
                stats.answered.append(delivery)
                if data == b"success":
                    stats.success_answers += 1
                elif len(stats.sample) < 2000 and rng.random() < 0.05:
                    stats.sample.append((openid, data))
        else:
            stats.errors[status] = stats.errors.get(status, 0) + 1
        if headers.get("connection", "").lower() == "close":
            writer.close()
            writer = None
        if think:
            await asyncio.sleep(rng.uniform(*think))
    if writer is not None:
        writer.close()


def run_phase(port: int, users: dict[str, list[Delivery]], seconds: float, *, bare: bool = False,
              think: tuple[float, float] | None = None, seed: int = 0) -> tuple[dict, Stats]:
    stats = Stats()

    async def main():
        deadline = time.perf_counter() + seconds
        await asyncio.gather(*(_user(port, deadline, queue, stats, bare=bare, think=think,
                                     rng=random.Random(seed + i), openid=openid)
                               for i, (openid, queue) in enumerate(users.items())))

    t0 = time.perf_counter()
    asyncio.run(main())
    return stats.summary(time.perf_counter() - t0), stats


def take(queues: dict[str, list[Delivery]], answered: list[Delivery]) -> None:
    """Drop what a phase sent from each user's queue (the next phase continues with fresh MsgIds)."""
    sent = {id(d) for d in answered}
    for openid, queue in queues.items():
        queues[openid] = [d for d in queue if id(d) not in sent]


# --- checks ---------------------------------------------------------------------------------------------------------
def check_replies(sample: list[tuple[str, bytes]]) -> int:
    """Decrypt sampled replies (signature verified); each must be a text reply to its user. Returns the count."""
    from app.wechat.simulator import ChatSimulator
    from app.wechat.transport import TransportConfig

    config = TransportConfig(token=TOKEN, appid=APPID, encoding_aes_key=AES_KEY)
    for openid, raw in sample:
        text = ChatSimulator(config, openid=openid, post=lambda q, b: (0, "")).decrypt_reply(raw.decode())
        assert text, "empty reply"
    return len(sample)


def check_readings(url: str, answered: list[Delivery]) -> tuple[int, int]:
    """(readings stored, unique reading deliveries answered)."""
    import psycopg

    unique = {d.msg_id for d in answered if d.kind in ("bp", "glucose")}
    with psycopg.connect(url) as conn:
        stored = conn.execute("SELECT (SELECT count(*) FROM bp_readings) + (SELECT count(*) FROM glucose_readings)"
                              ).fetchone()[0]
    return stored, len(unique)


# --- driver ---------------------------------------------------------------------------------------------------------
def start_server(url: str, port: int, workers: int, threads: int, *, redis: str | None = None,
                 reuse_port: bool = False) -> subprocess.Popen:
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": url}
    if redis:  # production's setting: the callback's seen-once nonces (and the rate limits) in Redis
        env["REDIS_URL"] = redis
    cmd = [str(ROOT / ".venv" / "bin" / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
           "--worker-class", "gthread", "--bind", f"127.0.0.1:{port}", "--log-level", "warning",
           *(["--reuse-port"] if reuse_port else []), "--chdir", str(ROOT), "bench.wechat_bench:wsgi()"]
    log_path = Path(os.environ.get("TMPDIR", "/tmp")) / "wechat_bench_gunicorn.log"
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    print(f"gunicorn on 127.0.0.1:{port}, its log in {log_path}", flush=True)
    deadline = time.time() + 60
    import urllib.request

    while time.time() < deadline:
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/bare/", data=b"<xml/>"), timeout=2)
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
    p.add_argument("--db", default="jiayi_wechat_bench")
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--duration", type=float, default=25.0, help="latency phase, seconds")
    p.add_argument("--saturation", type=float, default=12.0, help="each throughput phase, seconds")
    p.add_argument("--think", default="3,7", help="think time between a user's messages: min,max seconds")
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--port", type=int, default=8766)
    p.add_argument("--json", action="store_true")
    p.add_argument("--redis", default=os.environ.get("REDIS_URL") or None,
                   help="REDIS_URL for the server (nonces in Redis); default $REDIS_URL, else none")
    p.add_argument("--reuse-port", action="store_true",
                   help="each worker accepts on its own SO_REUSEPORT socket (connections spread evenly)")
    args = p.parse_args(argv)
    budget = MAX_LOAD_SECONDS - WARM_UP_SECONDS
    duration = min(args.duration, budget * 0.5)
    saturation = min(args.saturation, (budget - duration) / 2)
    think = tuple(float(x) for x in args.think.split(","))

    t0 = time.perf_counter()
    url = create_database(args.pg, args.db)
    openids = seed(url, args.users)
    print(f"seeded and bound {len(openids)} users in {time.perf_counter() - t0:.1f} s ({url})", flush=True)
    rng, ids = random.Random(5), iter(range(10**15, 10**16))
    per_user = int(WARM_UP_SECONDS * 5 + duration / think[0]) + int(saturation * 15) + 10
    t1 = time.perf_counter()
    queues = {o: build_deliveries(o, per_user, rng, ids) for o in openids}
    print(f"built {sum(len(q) for q in queues.values())} signed safe-mode deliveries in "
          f"{time.perf_counter() - t1:.1f} s", flush=True)
    server = start_server(url, args.port, args.workers, args.threads, redis=args.redis, reuse_port=args.reuse_port)
    answered: list[Delivery] = []
    try:
        _, warm = run_phase(args.port, queues, WARM_UP_SECONDS, seed=1)  # every worker loads its code paths
        answered += warm.answered
        take(queues, warm.answered)
        latency, lat_stats = run_phase(args.port, queues, duration, think=think, seed=2)
        answered += lat_stats.answered
        take(queues, lat_stats.answered)
        busy, busy_stats = run_phase(args.port, queues, saturation, seed=3)
        answered += busy_stats.answered
        bare, _ = run_phase(args.port, queues, saturation, bare=True, seed=4)
    finally:
        server.terminate()
        server.wait(timeout=30)
    checked = check_replies(lat_stats.sample + busy_stats.sample)
    stored, unique = check_readings(url, answered)
    retries = sum(1 for d in answered if d.kind == "retry")
    ratio = round(busy["per_s"] / bare["per_s"], 3) if bare["per_s"] else None
    print(f"gunicorn gthread {args.workers}x{args.threads}, {args.users} users, think {think[0]}-{think[1]} s; "
          f"latency phase {duration:.0f} s, throughput phases {saturation:.0f} s each; {os.cpu_count()} CPUs "
          f"(load generator on the same machine), load average {os.getloadavg()[0]:.1f}; seen-once nonces in "
          f"{'Redis' if args.redis else 'the database'}; "
          f"{'a listening socket per worker' if args.reuse_port else 'one listening socket'}")
    print(f"{'phase':<22}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'>4.5 s':>8}{'success':>9}  errors")
    for name, r in (("users (think time)", latency), ("saturated /wechat", busy), ("saturated /bare", bare)):
        print(f"{name:<22}{r['per_s']:>9}{r['p50_ms']!s:>9}{r['p99_ms']!s:>9}{r['max_ms']!s:>9}"
              f"{r['slower_than_4_5s']:>8}{(r['success_answers'] if 'bare' not in name else '-')!s:>9}  "
              f"{r['errors'] or '-'}")
    print(f"/wechat / bare throughput ratio: {ratio}")
    print(f"checks: {checked} sampled replies decrypted and verified; readings stored {stored} for {unique} unique "
          f"reading deliveries ({retries} retries answered from the dedup log)")
    if stored != unique:
        print("CHECK FAILED: a retry stored a reading, or a reading was lost", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"latency": latency, "saturated": busy, "bare": bare, "ratio": ratio, "users": args.users,
                          "workers": args.workers, "threads": args.threads, "stored": stored, "unique": unique,
                          "nonces": "redis" if args.redis else "database", "reuse_port": args.reuse_port}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
