#!/usr/bin/env bash
# Where the server's CPU goes while viewers join a server at rest, thread by thread:
#   infra/bench/join-cpu.sh [viewers, default 10000]
# Publishes the server as infra/bench.sh does and starts it with the same settings, puts the meeting in session, waits
# for the server to come to rest, then joins the viewers and prints each kind of thread's CPU (from /proc) over the joins: the thread pool's (the joins'
# own work), the tiered compiler's (methods compiled again as they get hot), the sockets', the collector's.
# Loopback only; stops by itself. Not part of infra/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."
viewers=${1:-10000}
out=artifacts/join-cpu
rm -rf "$out" && mkdir -p "$out/data"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
. infra/bench/server-setup.sh
port=5080
start_prepared_server $port
# Each thread's name and CPU ticks (user and system); the name may hold spaces, so the fields are counted after it.
# The first line is the whole process's (threads that ended meanwhile included).
ticks() { sed 's/.*) //' "$1" | awk '{print $12 + $13}'; }
threads() { echo "all process $(ticks /proc/$server/stat)"; for t in /proc/$server/task/*; do echo "${t##*/} $(tr ' ' _ < "$t/comm") $(ticks "$t/stat")"; done; }
# The joins are measured from a server at rest: what it compiles and collects after its start and the preparing is
# not theirs. At rest is a whole second with less than a twentieth of a core used.
for _ in $(seq 1 60); do
  was=$(ticks /proc/$server/stat); sleep 1
  [ $(( $(ticks /proc/$server/stat) - was )) -lt $(( $(getconf CLK_TCK) / 20 )) ] && break
done
threads > "$out/before.txt"
"$out/load/Meetings.Bench" --server "http://127.0.0.1:$port" --prepared --hold --viewers "$viewers" --minutes 2 > "$out/hold.log" 2>&1 &
crowd=$!
for _ in $(seq 1 480); do grep -q holding "$out/hold.log" && break; sleep 0.5; done
threads > "$out/after.txt"
grep -q holding "$out/hold.log" || { echo "the viewers did not all join: $out/hold.log"; exit 1; }
python3 - "$out/before.txt" "$out/after.txt" "$viewers" "$(getconf CLK_TCK)" <<'PY'
import collections, sys
ticks = int(sys.argv[4])  # a second's clock ticks
before = {line.split()[0]: int(line.split()[2]) for line in open(sys.argv[1])}
by_kind = collections.Counter()
for line in open(sys.argv[2]):
    tid, name, cpu = line.split()
    by_kind[name] += int(cpu) - before.get(tid, 0)
total = by_kind.pop("process")
print(f"{sys.argv[3]} viewers joined: {total / ticks:.2f} s of server CPU, {total / ticks * 1000 / int(sys.argv[3]):.2f} ms a join")
for name, cpu in by_kind.most_common(6):
    print(f"  {cpu / ticks:6.2f} s  {name}")
PY
