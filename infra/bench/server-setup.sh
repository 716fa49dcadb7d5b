# Sourced by infra/bench.sh and infra/bench/idle-heap.sh, from the repository's root, with $out set: publishes the
# server and the load generator into $out and sets the environment the server is started with, so both measure the
# same server the same way.

# For this machine's runtime, so it is compiled ahead of time (ReadyToRun), as the README's deployment section says.
rid="linux-$(case "$(uname -m)" in aarch64) echo arm64 ;; *) echo x64 ;; esac)"
dotnet publish Meetings.Server -c Release -r "$rid" --self-contained false -o "$out/publish" -nologo -v quiet >/dev/null
dotnet publish infra/Meetings.Bench -c Release -o "$out/load" -nologo -v quiet >/dev/null
# Twilio's REST API is pointed at a loopback port where nothing listens: the bench's callers exist only in webhooks, and
# nothing the server might say to Twilio about them leaves the machine.
export ASPNETCORE_ENVIRONMENT=Production Demo__Seed=true Data__Folder="$PWD/$out/data" \
  Twilio__AccountSid=AC00000000000000000000000000000001 Twilio__AuthToken=bench-token Twilio__PhoneNumber=+15550100100 \
  Twilio__ApiBaseUrl=http://127.0.0.1:9 \
  PublicBaseUrl=https://meetings.example.gov Logging__LogLevel__Default=Warning

# Starts the published server on loopback port $1 with that environment (its pid in $server, stopped when the script
# exits, with the load generator's $crowd if there is one), waits for it to answer and puts the meeting in session.
start_prepared_server() {
  local port=$1
  (cd "$out/publish" && exec ./Meetings.Server --urls "http://127.0.0.1:$port" > ../server.log 2>&1) &
  server=$!
  trap 'kill $server ${crowd:-} 2>/dev/null; wait $server 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
  "$out/load/Meetings.Bench" --server "http://127.0.0.1:$port" --prepare-only > "$out/prepare.log"
}
