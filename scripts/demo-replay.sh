#!/usr/bin/env bash
# make demo-replay: a real bank's day on the console. Starts a gateway fed by adapters
# (a fresh database in a temporary folder), replays a busy day of the "Anonymous Bank"
# call log through it at DEMO_SPEED (default 300: the day's 17 hours in under four
# minutes, nights skipped) and opens the console on it. Closing the console stops all.
#   DEMO_LOG   the call log (default: the extract shipped with the tests)
#   DEMO_DAY   the day to replay (default: the busy day in that extract)
#   DEMO_SPEED log seconds per real second
#   ARGS       more arguments for the console (e.g. --lang zh_CN, or --wallboard)
set -euo pipefail
PY=${1:-.venv/bin/python}
LOG=${DEMO_LOG:-tests/data/anonymous_bank_extract.txt}
DAY=${DEMO_DAY:-1999-02-10}
SPEED=${DEMO_SPEED:-300}
DIR=$(mktemp -d -t demo-replay.XXXXXX)
chmod 700 "$DIR"
cleanup() {
    [[ -n ${REPLAY:-} ]] && kill "$REPLAY" 2>/dev/null || true
    [[ -n ${GATEWAY:-} ]] && kill "$GATEWAY" 2>/dev/null && wait "$GATEWAY" 2>/dev/null || true
    rm -rf "$DIR"
}
trap cleanup EXIT
# Tokens stay in the environment, never on a command line (the gateway's, the console's, the replay's).
ADMIN_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
ADAPTER_TOKEN=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')
CONSOLE_GATEWAY_USERS="supervisor:admin:$ADMIN_TOKEN
replay:adapter:$ADAPTER_TOKEN" \
    "$PY" -m console.feeds.gateway --source adapters --port 0 --db "sqlite:///$DIR/demo.db" \
    >"$DIR/gateway.out" 2>"$DIR/gateway.log" &
GATEWAY=$!
URL=
for _ in $(seq 1 300); do
    URL=$(sed -n 's/^listening //p' "$DIR/gateway.out")
    [[ -n $URL ]] && break
    kill -0 "$GATEWAY" 2>/dev/null || { cat "$DIR/gateway.log" >&2; exit 1; }
    sleep 0.1
done
[[ -n $URL ]] || { echo "the gateway did not start; its log: $DIR/gateway.log" >&2; exit 1; }
echo "gateway $URL (log: $DIR/gateway.log)"
CONSOLE_ADAPTER_TOKEN=$ADAPTER_TOKEN "$PY" -m console.feeds.replay "$LOG" --gateway "$URL" \
    --format anonymous-bank --day "$DAY" --speed "$SPEED" --skip-idle 10 --log-level WARNING &
REPLAY=$!
echo "replaying $DAY of $LOG at speed $SPEED"
# shellcheck disable=SC2086  # ARGS is a list of words
CONSOLE_TOKEN=$ADMIN_TOKEN "$PY" main.py --feed "$URL" ${ARGS:-}
