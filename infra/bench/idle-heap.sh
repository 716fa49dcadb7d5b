#!/usr/bin/env bash
# What an idle viewer holds in the server's heap, by type: infra/bench/idle-heap.sh [viewers, default 10000]
# Publishes the server as infra/bench.sh does and starts it with the same settings, puts the meeting in session, takes a
# heap dump (dotnet-gcdump), joins the viewers and holds them idle, takes another a minute later, and prints the live
# objects' growth per viewer, largest first, grouped by whose they are. Loopback only; stops by itself.
# Not part of infra/test.sh. Needs the dotnet-gcdump tool (installed here when missing) and python3.
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers=${1:-10000}
out=artifacts/idle-heap
rm -rf "$out" && mkdir -p "$out/data"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
gcdump=$HOME/.dotnet/tools/dotnet-gcdump
[ -x "$gcdump" ] || dotnet tool install -g dotnet-gcdump >/dev/null
. infra/bench/server-setup.sh
port=5079
start_prepared_server $port
rss() { echo "$(( $(grep VmRSS /proc/$server/status | tr -dc 0-9) / 1024 )) MB"; }
echo "before the viewers: $(rss)"
"$gcdump" collect -p "$server" -o "$out/before.gcdump" >/dev/null 2>&1
"$out/load/Meetings.Bench" --server "http://127.0.0.1:$port" --prepared --hold --viewers "$viewers" --minutes 5 > "$out/hold.log" 2>&1 &
crowd=$!
for _ in $(seq 1 240); do grep -q holding "$out/hold.log" && break; sleep 1; done
grep -q holding "$out/hold.log" || { echo "the viewers did not all join: $out/hold.log"; exit 1; }
echo "$viewers viewers joined: $(rss)"
# Until the pipes' and the joins' garbage has been through a collection or two, as a server at rest would be.
sleep 60
echo "a minute later: $(rss)"
"$gcdump" collect -p "$server" -o "$out/after.gcdump" >/dev/null 2>&1
"$gcdump" report "$out/before.gcdump" > "$out/before.txt"
"$gcdump" report "$out/after.gcdump" > "$out/after.txt"
python3 infra/bench/heap-per-viewer.py "$out/before.txt" "$out/after.txt" "$viewers"
