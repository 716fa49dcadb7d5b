#!/usr/bin/env bash
# Runs every test of Meetings and ends with one line: "N passed, N failed[, N skipped]".
# Installs what the tests need when it is missing, so it works on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Debian packages the tests use: a real SMTP server for notices, Chromium for the browser tests, the fonts the
# PDF minutes are set in, pdftotext to read them back, and Redis and nginx for several instances behind a proxy.
need=()
/usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || need+=(python3-aiosmtpd)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf ] || need+=(fonts-dejavu-core)
[ -x /usr/bin/pdftotext ] || need+=(poppler-utils)
[ -x /usr/bin/redis-server ] && [ -x /usr/bin/redis-cli ] || need+=(redis-server)
[ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]}"
  apt-get update -qq >/dev/null
  # Install only: the tests start their own redis-server and nginx on loopback, so no service is started now.
  no_services=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && no_services=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  [ -z "$no_services" ] || rm -f /usr/sbin/policy-rc.d
fi

# An S3-compatible server (s3rver, from the npm registry) for the document store's tests; they start it on loopback.
if [ ! -x infra/s3/node_modules/.bin/s3rver ]; then
  echo "Installing s3rver"
  npm ci --prefix infra/s3 --no-audit --no-fund --loglevel=error >/dev/null
fi

# The npm packages the README's JavaScript live client uses (Meetings.Tests/Live/ReadmeClientTests.cs runs it as written).
if [ ! -d infra/protocol/node_modules/fast-json-patch ]; then
  echo "Installing the README client's packages"
  npm ci --prefix infra/protocol --no-audit --no-fund --loglevel=error >/dev/null
fi

# A loopback SMTP server that keeps every message it gets in a Maildir the tests read.
maildir="$PWD/artifacts/mail"
rm -rf "$maildir"
mkdir -p "$maildir/tmp" "$maildir/new" "$maildir/cur"
smtp_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
/usr/bin/python3 -m aiosmtpd -n -l "127.0.0.1:$smtp_port" -c aiosmtpd.handlers.Mailbox "$maildir" &
smtp_pid=$!

# A loopback Redis for the tests of several instances (the SignalR backplane, the commit relay, the shared key ring).
redis_port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
/usr/bin/redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$PWD/artifacts" \
  > artifacts/redis.log 2>&1 &
redis_pid=$!
trap 'kill $smtp_pid $redis_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do /usr/bin/redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
/usr/bin/redis-cli -p "$redis_port" ping >/dev/null || { echo "redis-server did not start:"; cat artifacts/redis.log; exit 1; }
export MEETINGS_TEST_SMTP_PORT=$smtp_port MEETINGS_TEST_MAILDIR=$maildir MEETINGS_TEST_REDIS=127.0.0.1:$redis_port

dotnet build Meetings.sln -warnaserror -nologo -v quiet
set +e
dotnet test Meetings.sln --no-build -nologo -v quiet \
  --logger "trx;LogFileName=results.trx" --results-directory "$results" -- NUnit.NumberOfTestWorkers=1 2>&1 \
  | grep -vE '^\s*(info|warn|dbug):|^\s{6}' | grep -E 'Failed |Passed!|Failed!|error|Error Message|Expected|But was|^\s+at Meetings' | head -200
set -e

trx=$(find "$results" -name '*.trx' | head -1)
if [ -z "$trx" ]; then
  echo "0 passed, 1 failed"
  exit 1
fi
# Name each failed test with the first lines of its message, so a red run says what broke.
/usr/bin/python3 - "$trx" <<'PY'
import html, re, sys
trx = open(sys.argv[1], encoding="utf-8").read()
for name, message in re.findall(r'<UnitTestResult [^>]*testName="([^"]*)"[^>]*outcome="Failed".*?<Message>(.*?)</Message>', trx, re.S):
    print(f"FAILED {html.unescape(name)}")
    for line in html.unescape(message).splitlines()[:6]:
        print(f"    {line}")
PY
counter() { grep -o "<Counters [^>]*" "$trx" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
passed=$(counter passed); failed=$(counter failed); errors=$(counter error)
skipped=$(( $(counter notExecuted) ))
failed=$(( failed + errors ))
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
