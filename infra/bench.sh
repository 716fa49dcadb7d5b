#!/usr/bin/env bash
# Measures what the README states, on a Release build on loopback; bounded in count and time, stops by itself.
#   infra/bench.sh [--viewers 1000,10000] [--fanout 30] [--flood-rate 100] [--flood-seconds 8] [--call-rate 2] [--minutes 20]
# 1. A resident's first visit (bytes, and on a throttled phone connection: bytes before the title shows, time to it).
# 2. TwiML answers to an incoming call.
# 3. The live hearing (infra/Meetings.Bench): viewers joining, memory per idle viewer, fan-out at each viewer count
#    against a raw Kestrel WebSocket server sending the same bytes to as many sockets, update sizes at 0/200/1,000
#    speakers in line, sign-ups flooding while everyone watches (residents calling in and raising a hand with *9, and
#    the council voting on motions, meanwhile), and the server killed and started again under every
#    viewer; one screen reading 100 KB/s among them, to see that it delays nobody; and the flood's updates sent again to the
#    baseline at the same moments, to see how far its viewers lag with the same bytes. Its last line is one JSON object.
# Not part of infra/test.sh: the machine is shared and noisy, so figures are measured here, never asserted in tests.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
rm -rf "$out" && mkdir -p "$out/data"
[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
[ -d infra/bench/node_modules/playwright-core ] || (cd infra/bench && npm install --no-audit --no-fund --silent playwright-core@1.64 >/dev/null)
# Ten thousand viewers are ten thousand sockets on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

. infra/bench/server-setup.sh
port=5077
# The server runs under a supervisor, as systemd would run it: started again whenever it stops (the last step of the
# hearing kills it to time the viewers' return), until this script ends. Its pid now is in server.pid.
(
  cd "$out/publish"
  while [ ! -e ../stop ]; do
    ./Meetings.Server --urls "http://127.0.0.1:$port" >> ../server.log 2>&1 &
    echo $! > ../server.pid
    wait $! || true
  done
) &
supervisor=$!
trap 'touch "$out/stop"; kill "$(cat "$out/server.pid" 2>/dev/null)" $supervisor 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

{
  echo "$(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), infra/bench.sh $*"
  "$out/load/Meetings.Bench" --server "http://127.0.0.1:$port" --prepare-only
  node infra/bench/measure.mjs "http://127.0.0.1:$port" || echo "the browser measurements failed (exit $?)"
  "$out/load/Meetings.Bench" --server "http://127.0.0.1:$port" --server-pid-file "$out/server.pid" --prepared "$@"
} 2>&1 | tee "$out/results.txt"
