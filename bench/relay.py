#!/usr/bin/env python3
"""bench/relay.py — transfers through ftpgate against curl talking FTP to the
same vsftpd, in the same run (issue 12). Stdlib only; curl is the browser.

For each ftpgate binary given (say the commit before a change and after it),
and for curl straight to vsftpd, alternating round by round:

  download       curl GET /download/<file>            vs  curl ftp://.../<file>
  raw upload     curl -T to PUT /upload/<name>         vs  curl -T ftp://.../<name>
  multipart      curl -F file=@... POST /upload/       vs  curl -T ftp://.../<name>
  N parallel     N downloads / N raw uploads at once (one session each)
                 vs N direct curls at once: aggregate MiB/s

It reports medians, ratios (curl time / ftpgate time), ftpgate's CPU seconds
(user + system) per GiB relayed, and its peak RSS (VmHWM, reset before each
parallel run) while the N transfers run. The machine is shared: before each
measurement it waits for the CPUs to be idle, and a measurement during which
other processes used more than 5% of the CPUs is taken again (up to 3 times;
then it is kept and counted in "retried").

  python3 bench/relay.py --ftp ftp://user:pass@127.0.0.1:2121 --root DIR \\
      --gate before=/path/ftpgate-old --gate after=target/release/ftpgate \\
      [--gate qemu-after='qemu-aarch64-static target/.../ftpgate'] \\
      [--mib 1024] [--par-mib 256] [--parallel 8] [--rounds 5] [--kinds down,put,mp,par]

bench/run.sh runs it with vsftpd from .ci/ftp-servers.sh.
"""

import argparse
import os
import threading
import re
import shlex
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import http.client

TICK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1
MEASURED = ("ftpgate", "vsftpd", "curl", "qemu-aarch64")


def stat_fields(pid):
    text = open(f"/proc/{pid}/stat").read()
    comm = text[text.index("(") + 1 : text.rindex(")")]
    return comm, text.rsplit(")", 1)[1].split()


def ticks(pid):
    """User + system ticks of one process (all its threads)."""
    _, f = stat_fields(pid)
    return int(f[11]) + int(f[12])


def snapshot():
    """pid -> (comm, ticks incl. reaped children) for every process."""
    out = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            comm, f = stat_fields(pid)
        except (OSError, ValueError):
            continue
        out[pid] = (comm, sum(int(x) for x in f[11:15]))
    return out


def foreign(before, after, own):
    """Ticks used by processes that are not part of the measurement."""
    used = 0
    for pid, (comm, t) in after.items():
        if pid in own or comm.startswith(MEASURED):
            continue
        used += t - before.get(pid, (comm, t))[1]
    return used


def cpu_idle_fraction(seconds):
    def read():
        v = list(map(int, open("/proc/stat").readline().split()[1:]))
        return v[3] + v[4], sum(v[:8])
    i0, t0 = read()
    time.sleep(seconds)
    i1, t1 = read()
    return (i1 - i0) / max(1, t1 - t0)


def wait_quiet(limit=600):
    """Until the CPUs were >= 90% idle for a second (or `limit` seconds passed)."""
    end = time.monotonic() + limit
    while time.monotonic() < end and cpu_idle_fraction(1.0) < 0.9:
        pass


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Session:
    """One logged-in browser: its cookies and CSRF token."""

    def __init__(self, cookies, csrf):
        self.cookies = cookies
        self.csrf = csrf

    def header(self):
        return "Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items())


class Gate:
    """A running ftpgate (or qemu running one) with its sessions."""

    def __init__(self, name, command, ftp):
        self.name = name
        self.port = free_port()
        env = dict(os.environ, FTPGATE_LOG="warn")
        argv = shlex.split(command) + ["--listen", f"127.0.0.1:{self.port}"]
        self.proc = subprocess.Popen(argv, env=env)
        self.pid = str(self.proc.pid)
        self.ftp = ftp
        for _ in range(200):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        self.sessions = []

    def request(self, method, path, body=None, headers=None, cookies=None):
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        h = dict(headers or {})
        if cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        c.request(method, path, body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        set_cookies = r.msg.get_all("Set-Cookie") or []
        c.close()
        return r.status, data, set_cookies

    def login(self):
        cookies = {}

        def keep(set_cookies):
            for sc in set_cookies:
                name, _, value = sc.split(";", 1)[0].partition("=")
                cookies[name] = value

        _, page, sc = self.request("GET", "/login")
        keep(sc)
        page = page.decode()
        form = page[page.index('action="/login"') :]
        csrf = re.search(r'name="csrf" value="([^"]*)"', form).group(1)
        u = urllib.parse.urlsplit(self.ftp)
        fields = urllib.parse.urlencode(
            {
                "csrf": csrf,
                "host": u.hostname,
                "port": str(u.port or 21),
                "user": urllib.parse.unquote(u.username),
                "password": urllib.parse.unquote(u.password),
                "tls": "off",
            }
        )
        status, _, sc = self.request(
            "POST",
            "/login",
            fields,
            {"Content-Type": "application/x-www-form-urlencoded"},
            cookies,
        )
        keep(sc)
        if status != 303:
            sys.exit(f"{self.name}: login failed ({status})")
        _, listing, _ = self.request("GET", "/browse/?format=json", cookies=cookies)
        token = re.search(r'"csrf":"([^"]*)"', listing.decode()).group(1)
        self.sessions.append(Session(cookies, token))

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def peak_reset(self):
        with open(f"/proc/{self.pid}/clear_refs", "w") as f:
            f.write("5")

    def peak_kib(self):
        for line in open(f"/proc/{self.pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        return 0

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


CURL = ["curl", "-sS", "--fail", "-o", "/dev/null"]


def commands(kind, gate, ftp, src, n, tag):
    """The curl command lines of one measurement."""
    out = []
    for k in range(n):
        name = f"up-{tag}-{k}.bin"
        if gate is None:
            if kind in ("down", "par-down"):
                out.append(CURL + [f"{ftp}/big.bin"])
            else:
                out.append(CURL + ["-T", src, f"{ftp}/{name}"])
            continue
        s = gate.sessions[k]
        auth = ["-H", s.header()]
        if kind in ("down", "par-down"):
            out.append(CURL + auth + [gate.url("/download/big.bin")])
        elif kind in ("put", "par-put"):
            out.append(
                CURL + auth + ["-H", f"X-CSRF-Token: {s.csrf}", "-T", src, gate.url(f"/upload/{name}")]
            )
        else:
            out.append(
                CURL
                + auth
                + ["-H", f"X-CSRF-Token: {s.csrf}", "-F", f"file=@{src};filename={name}", gate.url("/upload/")]
            )
    return out


def tcp_pages():
    """Pages of TCP socket buffers in the whole kernel (/proc/net/sockstat)."""
    for line in open("/proc/net/sockstat"):
        if line.startswith("TCP:"):
            fields = line.split()
            return int(fields[fields.index("mem") + 1])
    return 0


class Peak(threading.Thread):
    """Samples the kernel's TCP buffer pages every 20 ms; `most` is the peak."""

    def __init__(self):
        super().__init__(daemon=True)
        self.most = 0
        self.done = threading.Event()

    def run(self):
        while not self.done.wait(0.02):
            self.most = max(self.most, tcp_pages())


def measure(argvs, gate, root, check=None, peak=None):
    """(wall seconds, ftpgate ticks, retried) of running `argvs` at once;
    `peak` (a list) gets the peak TCP buffer pages while they ran."""
    retried = False
    for attempt in range(4):
        wait_quiet()
        own = {str(os.getpid())} | ({gate.pid} if gate else set())
        before = snapshot()
        g0 = ticks(gate.pid) if gate else 0
        sampler = Peak()
        sampler.start()
        t0 = time.monotonic()
        procs = [subprocess.Popen(a) for a in argvs]
        codes = [p.wait() for p in procs]
        wall = time.monotonic() - t0
        sampler.done.set()
        sampler.join()
        if peak is not None:
            peak.append(sampler.most)
        used = ticks(gate.pid) - g0 if gate else 0
        extra = foreign(before, snapshot(), own)
        if any(codes):
            sys.exit(f"a transfer failed: {argvs[codes.index(next(c for c in codes if c))]}")
        if check:
            check()
        for name in os.listdir(root):
            if name.startswith("up-"):
                os.remove(os.path.join(root, name))
        if extra <= 0.05 * wall * TICK * CPUS or attempt == 3:
            return wall, used, retried or attempt > 0
    raise AssertionError("unreachable")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ftp", required=True, help="ftp://user:pass@host:port of vsftpd")
    p.add_argument("--root", required=True, help="vsftpd's root directory (local)")
    p.add_argument("--gate", action="append", required=True, help="NAME=COMMAND of an ftpgate")
    p.add_argument("--work", default="/dev/shm")
    p.add_argument("--mib", type=int, default=1024)
    p.add_argument("--par-mib", type=int, default=256)
    p.add_argument("--parallel", type=int, default=8)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--kinds", default="down,put,mp,par")
    a = p.parse_args()
    kinds = a.kinds.split(",")
    owner = os.stat(a.root)
    src = os.path.join(a.work, f"ftpgate-relay-{os.getpid()}.bin")
    par_src = os.path.join(a.work, f"ftpgate-relay-par-{os.getpid()}.bin")
    gates = []
    try:
        with open("/dev/urandom", "rb") as r, open(src, "wb") as w:
            for _ in range(a.mib):
                w.write(r.read(1 << 20))
        with open(src, "rb") as r, open(par_src, "wb") as w:
            w.write(r.read(a.par_mib << 20))
        for g in a.gate:
            name, _, command = g.partition("=")
            gate = Gate(name, command, a.ftp)
            for _ in range(max(1, a.parallel)):
                gate.login()
            gates.append(gate)
        results = run(a, kinds, gates, src, par_src, owner)
    finally:
        for g in gates:
            g.stop()
        for f in (src, par_src):
            if os.path.exists(f):
                os.remove(f)
        big = os.path.join(a.root, "big.bin")
        if os.path.exists(big):
            os.remove(big)
    report(a, kinds, gates, results)


def place(root, src, owner):
    big = os.path.join(root, "big.bin")
    subprocess.run(["cp", src, big], check=True)
    os.chown(big, owner.st_uid, owner.st_gid)


def run(a, kinds, gates, src, par_src, owner):
    results = {}  # (kind, name) -> list of (wall, ticks, retried)
    peaks = {}  # (kind, name) -> KiB
    tcp = {}  # (kind, name) -> list of peak TCP buffer pages
    variants = [None] + gates

    def first_check(kind, gate, path):
        if gate is None or kind not in ("put", "mp"):
            return None
        target = os.path.join(a.root, f"up-{kind}-0.bin")

        def check():
            if subprocess.run(["cmp", "-s", path, target]).returncode:
                sys.exit(f"{gate.name}: the uploaded file differs")
        return check

    single = [k for k in kinds if k in ("down", "put", "mp")]
    if single:
        place(a.root, src, owner)
        for r in range(a.rounds):
            for kind in single:
                for g in variants:
                    name = g.name if g else "curl"
                    check = first_check(kind, g, src) if r == 0 else None
                    argv = commands(kind, g, a.ftp, src, 1, kind)
                    results.setdefault((kind, name), []).append(measure(argv, g, a.root, check))
    if "par" in kinds:
        place(a.root, par_src, owner)
        for r in range(a.rounds):
            for kind in ("par-down", "par-put"):
                for g in variants:
                    name = g.name if g else "curl"
                    argv = commands(kind, g, a.ftp, par_src, a.parallel, kind)
                    if g:
                        g.peak_reset()
                    pages = tcp.setdefault((kind, name), [])
                    results.setdefault((kind, name), []).append(measure(argv, g, a.root, peak=pages))
                    if g:
                        peaks[(kind, name)] = max(peaks.get((kind, name), 0), g.peak_kib())
    results["peaks"] = peaks
    results["tcp"] = tcp
    return results


def report(a, kinds, gates, results):
    peaks = results.pop("peaks")
    tcp = results.pop("tcp")
    names = [g.name for g in gates]
    print(f"rounds: {a.rounds}, medians; single transfers {a.mib} MiB, parallel {a.parallel} x {a.par_mib} MiB")
    print()
    print("| what | curl | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    labels = {
        "down": "download",
        "put": "raw upload (PUT)",
        "mp": "multipart upload (POST)",
        "par-down": f"{a.parallel} parallel downloads, aggregate",
        "par-put": f"{a.parallel} parallel raw uploads, aggregate",
    }
    order = [k for k in ("down", "put", "mp") if k in kinds] + (["par-down", "par-put"] if "par" in kinds else [])
    for kind in order:
        mib = a.mib if kind in ("down", "put", "mp") else a.par_mib * a.parallel
        curl = statistics.median(w for w, _, _ in results[(kind, "curl")])
        cells = [f"{mib / curl:.0f} MiB/s"]
        for n in names:
            wall = statistics.median(w for w, _, _ in results[(kind, n)])
            cells.append(f"{mib / wall:.0f} MiB/s ({curl / wall:.2f})")
        print(f"| {labels[kind]} | " + " | ".join(cells) + " |")
    print()
    print("ftpgate / curl in brackets (curl's time / ftpgate's time).")
    print()
    print("| CPU-s per GiB relayed (user + system) | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for kind in order:
        gib = (a.mib if kind in ("down", "put", "mp") else a.par_mib * a.parallel) / 1024
        cells = []
        for n in names:
            t = statistics.median(t for _, t, _ in results[(kind, n)])
            cells.append(f"{t / TICK / gib:.2f}")
        print(f"| {labels[kind]} | " + " | ".join(cells) + " |")
    if peaks:
        print()
        print("| peak RSS (VmHWM) while they run | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        for kind in ("par-down", "par-put"):
            cells = [f"{peaks.get((kind, n), 0) / 1024:.2f} MiB" for n in names]
            print(f"| {labels[kind]} | " + " | ".join(cells) + " |")
        print()
        page = os.sysconf("SC_PAGE_SIZE")
        print("| kernel TCP buffers of the whole machine, peak (sockstat), median | curl | " + " | ".join(names) + " |")
        print("|---|---|" + "---|" * len(names))
        for kind in ("par-down", "par-put"):
            cells = [
                f"{statistics.median(tcp[(kind, n)]) * page / 2**20:.1f} MiB" for n in ["curl"] + names
            ]
            print(f"| {labels[kind]} | " + " | ".join(cells) + " |")
    retried = sum(1 for v in results.values() for _, _, r in v if r)
    total = sum(len(v) for v in results.values())
    print()
    print(f"retried for foreign CPU load: {retried} of {total} measurements")


if __name__ == "__main__":
    main()
