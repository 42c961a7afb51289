#!/usr/bin/env python3
"""bench/load.py: requests per second and latency of a running ftpgate.

    python3 bench/load.py BASE_URL FTP_HOST FTP_PORT USER PASSWORD [SECONDS]

1. 16 keep-alive clients hammer GET /healthz, then a logged-in GET /browse/
   (each client its own session), for SECONDS each: requests/s, p50, p99.
2. Under attack: 200 connections trickling a header byte every 2 s (from
   127.0.0.2-127.0.0.9, 25 each, so per-address caps don't refuse them), 20
   uploads stalled mid-body and 17 logins stuck on an FTP server that never
   answers; meanwhile a logged-in user's browse and /healthz are timed.
Stdlib only; every loop is bounded in count and time; loopback only.
"""
import http.client, re, socket, statistics, sys, threading, time, urllib.parse

BASE, FTP_HOST, FTP_PORT, USER, PASSWORD = sys.argv[1:6]
SECONDS = float(sys.argv[6]) if len(sys.argv) > 6 else 5.0
U = urllib.parse.urlparse(BASE)
HOST, PORT = U.hostname, U.port


def conn():
    return http.client.HTTPConnection(HOST, PORT, timeout=60)


def login(c):
    """Logs in on connection c; returns (cookie header, csrf)."""
    c.request("GET", "/login")
    r = c.getresponse(); page = r.read().decode()
    jar = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
    csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "host": FTP_HOST, "port": FTP_PORT,
                                   "user": USER, "password": PASSWORD})
    c.request("POST", "/login", body, {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"})
    r = c.getresponse(); r.read()
    assert r.status == 303, r.status
    cookies = [v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie"]
    session = [x for x in cookies if x.startswith("ftpgate_session=")][0]
    c.request("GET", "/browse/?format=json", headers={"Cookie": session})
    r = c.getresponse(); data = r.read().decode()
    return session, re.search(r'"csrf":"([^"]*)"', data).group(1)


def hammer(path, cookie, until, out):
    c = conn(); n = 0
    headers = {"Cookie": cookie} if cookie else {}
    while time.monotonic() < until and n < 1_000_000:
        t = time.monotonic()
        c.request("GET", path, headers=headers)
        r = c.getresponse(); r.read()
        assert r.status == 200, (path, r.status)
        out.append(time.monotonic() - t); n += 1
    c.close()


def load(path, with_session, clients=16):
    cookies = []
    if with_session:
        for _ in range(clients):
            c = conn(); cookies.append(login(c)[0]); c.close()
    lat = []; until = time.monotonic() + SECONDS
    threads = [threading.Thread(target=hammer, args=(path, cookies[i] if cookies else None, until, lat)) for i in range(clients)]
    start = time.monotonic()
    for t in threads: t.start()
    for t in threads: t.join()
    took = time.monotonic() - start
    lat.sort()
    return len(lat) / took, lat[len(lat) // 2] * 1000, lat[int(len(lat) * 0.99)] * 1000


def silent_ftp():
    """An FTP 'server' that accepts and never says a word."""
    s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(64)
    held = []
    def run():
        while len(held) < 200:
            try: held.append(s.accept()[0])
            except OSError: return
    threading.Thread(target=run, daemon=True).start()
    return s, held


ATTACK = {}


def attack(stop):
    socks = []
    for i in range(200):
        s = socket.socket(); s.settimeout(10)
        s.bind((f"127.0.0.{2 + i % 8}", 0)); s.connect((HOST, PORT))
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: "); socks.append(s)
    uploads = []
    for i in range(20):
        # Against a server the trickle already broke, some of these fail: counted.
        try:
            c = conn(); cookie, csrf = login(c); c.close()
            s = socket.socket(); s.settimeout(10)
            s.bind((f"127.0.0.{10 + i % 4}", 0)); s.connect((HOST, PORT))
            s.sendall((f"POST /upload/ HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n"
                       "Content-Type: multipart/form-data; boundary=b\r\nContent-Length: 100000000\r\n\r\n"
                       '--b\r\nContent-Disposition: form-data; name="file"; filename="stall.bin"\r\n\r\nxx').encode())
            uploads.append(s)
        except (OSError, AssertionError, AttributeError) as e:
            print(f"(stalled upload {i} could not be set up: {e!r})", file=sys.stderr)
    ATTACK["uploads"] = len(uploads)
    ftp, _held = silent_ftp()
    def stuck_login(i):
        try:
            c = http.client.HTTPConnection(HOST, PORT, timeout=120, source_address=(f"127.0.0.{20 + i % 4}", 0))
            c.request("GET", "/login"); r = c.getresponse(); page = r.read().decode()
            jar = "; ".join(v.split(";")[0] for k, v in r.getheaders() if k.lower() == "set-cookie")
            csrf = re.search(r'name="csrf" value="([^"]*)"', page).group(1)
            body = urllib.parse.urlencode({"csrf": csrf, "host": "127.0.0.1", "port": ftp.getsockname()[1],
                                           "user": "u", "password": "p"})
            c.request("POST", "/login", body, {"Cookie": jar, "Content-Type": "application/x-www-form-urlencoded"})
            c.getresponse().read()
        except Exception:
            pass
    logins = [threading.Thread(target=stuck_login, args=(i,), daemon=True) for i in range(17)]
    for t in logins: t.start()
    def trickle():
        deadline = time.monotonic() + 120
        while not stop.is_set() and time.monotonic() < deadline:
            for s in socks:
                try: s.send(b"a")
                except OSError: pass
            stop.wait(2)
    threading.Thread(target=trickle, daemon=True).start()
    return socks + uploads, ftp


def timed(path, cookie=None):
    """One request on a new connection; a timeout counts as 30,000 ms."""
    t = time.monotonic()
    try:
        c = http.client.HTTPConnection(HOST, PORT, timeout=30)
        c.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        r = c.getresponse(); r.read(); c.close()
        status = r.status
    except OSError:
        status = 0
    ms = (time.monotonic() - t) * 1000
    return status, ms if status == 200 else max(ms, 30_000)


def main():
    print("| what, 16 keep-alive clients | requests/s | p50 | p99 |")
    print("|---|---|---|---|")
    for label, path, sess in [("GET /healthz", "/healthz", False), ("GET /browse/ (logged in)", "/browse/", True)]:
        rps, p50, p99 = load(path, sess)
        print(f"| {label} | {rps:.0f} | {p50:.2f} ms | {p99:.2f} ms |")
    print()
    user = conn(); cookie, _ = login(user); user.close()
    stop = threading.Event()
    socks, ftp = attack(stop)
    time.sleep(3)  # let the stuck logins reach the silent server
    samples = {"/healthz": [], "/browse/": []}
    for _ in range(10):
        for path in samples:
            samples[path].append(timed(path, cookie if path == "/browse/" else None)[1])
        time.sleep(0.1)
    stop.set()
    print(f"| under attack (200 trickling heads, {ATTACK['uploads']} of 20 stalled uploads set up, 17 logins on a silent FTP server) | median | worst |")
    print("|---|---|---|")
    for path, ms in samples.items():
        print(f"| new connection + GET {path} | {statistics.median(ms):.1f} ms | {max(ms):.1f} ms |")
    for s in socks: s.close()
    ftp.close()


main()
