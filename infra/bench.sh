#!/usr/bin/env bash
# Measures what the README states: the bytes a resident's first visit transfers (Release build: trimmed,
# compressed), and how fast the phone webhooks answer. Loopback only; bounded; stops by itself.
set -euo pipefail
cd "$(dirname "$0")/.."
out=artifacts/bench
rm -rf "$out" && mkdir -p "$out/data"
[ -x /usr/bin/chromium ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
[ -d infra/bench/node_modules/playwright-core ] || (cd infra/bench && npm install --no-audit --no-fund --silent playwright-core@1.64 >/dev/null)

dotnet publish Meetings.Server -c Release -o "$out/publish" -nologo -v quiet >/dev/null
port=5077
ASPNETCORE_ENVIRONMENT=Production Demo__Seed=true Data__Folder="$PWD/$out/data" \
  Twilio__AccountSid=AC00000000000000000000000000000001 Twilio__AuthToken=bench-token Twilio__PhoneNumber=+15550100100 \
  PublicBaseUrl=https://meetings.example.gov \
  bash -c "cd '$out/publish' && exec ./Meetings.Server --urls http://127.0.0.1:$port" > "$out/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done

node infra/bench/measure.mjs "http://127.0.0.1:$port" | tee "$out/results.txt"
