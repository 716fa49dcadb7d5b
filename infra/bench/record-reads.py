# Reads of a meeting's record under a crowd: GET /exports/ocd-event from 8 callers at once, on a meeting with many events,
# with the journal still and with a clerk adding an item every 0.2 s. Loopback only, bounded (400 GETs a run).
#   dotnet publish Meetings.Server -c Release -o PUBLISH && python3 infra/bench/record-reads.py PUBLISH 5091 1500
import json, subprocess, sys, time, threading, urllib.request, http.cookiejar, os, shutil
pub, port, items = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = f"/tmp/recdata-{port}"; shutil.rmtree(data, ignore_errors=True); os.makedirs(data)
env = dict(os.environ, ASPNETCORE_ENVIRONMENT="Production", Demo__Seed="true", Data__Folder=data, Logging__LogLevel__Default="Warning",
           PublicBaseUrl="https://meetings.example.gov",
           # What the server can serve, not the per-address limit (every caller here is 127.0.0.1).
           Records__PerMinute="1000000")
srv = subprocess.Popen([f"{pub}/Meetings.Server", "--urls", f"http://127.0.0.1:{port}"], cwd=pub, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
base = f"http://127.0.0.1:{port}"
try:
    for _ in range(200):
        try: urllib.request.urlopen(base + "/healthz", timeout=1); break
        except Exception: time.sleep(0.2)
    jar = http.cookiejar.CookieJar(); op = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    def send(method, path, body=None, opener=op):
        req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(), headers={"Content-Type": "application/json"})
        with opener.open(req, timeout=30) as r: return r.read()
    send("POST", "/api/auth/login?useCookies=true", {"email": "clerk@demo.city", "password": "Meetings-demo-2026"})
    meetings = json.loads(send("GET", "/api/meetings"))
    mid = [m for m in meetings if m["status"] in ("Published", "Live")][0]["id"]
    t = time.time()
    for i in range(items): send("POST", f"/api/meetings/{mid}/agenda", {"title": f"Item {i}", "kind": "Action"})
    print(f"{items} items added in {time.time()-t:.1f} s")
    url = f"/api/meetings/{mid}/exports/ocd-event"
    anon = urllib.request.build_opener()
    def hammer(n, lat):
        for _ in range(n):
            s = time.perf_counter(); anon.open(base + url, timeout=60).read(); lat.append((time.perf_counter() - s) * 1000)
    def run(label, moving):
        lat = []; stop = threading.Event(); cmds = [0]
        def clerk():
            while not stop.is_set():
                send("POST", f"/api/meetings/{mid}/agenda", {"title": "More", "kind": "Action"}); cmds[0] += 1; time.sleep(0.2)
        c = threading.Thread(target=clerk) if moving else None
        if c: c.start()
        ts = [threading.Thread(target=hammer, args=(50, lat)) for _ in range(8)]
        s = time.time(); [x.start() for x in ts]; [x.join() for x in ts]; el = time.time() - s
        stop.set(); c and c.join()
        lat.sort()
        print(f"{label}: {len(lat)} GETs by 8 callers in {el:.1f} s ({len(lat)/el:.0f}/s), p50 {lat[len(lat)//2]:.1f} ms, p99 {lat[int(len(lat)*0.99)]:.1f} ms" + (f", clerk commands meanwhile {cmds[0]}" if moving else ""))
    run("journal still", False)
    run("clerk adding an item every 0.2 s", True)
finally:
    srv.terminate(); srv.wait()
