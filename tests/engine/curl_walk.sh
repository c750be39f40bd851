#!/usr/bin/env bash
# The seed's whole flow with nothing but curl: token -> session -> /run_sse -> state -> render ->
# poll -> download. Run it against a live engine (`nemo-tui serve`):
#   BASE=http://127.0.0.1:8765 OUT=./walk.mp4 tests/engine/curl_walk.sh
# python3 only picks fields out of JSON replies; every HTTP call is curl. The token is never printed.
# The walk needs no owner secret: JSON bodies say `Content-Type: application/json` (the engine answers
# 415 otherwise), the Host is the address it listens on, and the download link it gets is signed and
# expires (quote it: it has a query). Only `file://`/loopback-URL uploads and /_engine/faults need
# `-H "X-Nemo-Engine-Secret: $(cat <the engine-PORT.secret file serve names>)"`.
set -euo pipefail
BASE="${BASE:-http://127.0.0.1:8765}"
OUT="${OUT:-./nemo-walk.mp4}"
PROMPT="${PROMPT:-generate a 2-second video of a sunset over the ocean with waves crashing}"
POLL_S="${POLL_S:-1}"
TRIES="${TRIES:-120}"
HDRS=(-H "X-Skill-Source: sora-video-generation" -H "X-Skill-Version: 0.1.0" -H "X-Skill-Platform: unknown")

field() {  # field a.b.c < json  -> prints the value; fails loudly on an error envelope
  python3 -c '
import json, sys
body = json.load(sys.stdin)
if body.get("code", 0) != 0:
    sys.exit("error %s: %s" % (body["code"], body.get("message")))
value = body
for key in sys.argv[1].split("."):
    value = value[key]
print(value if isinstance(value, str) else json.dumps(value))' "$1"
}

CLIENT_ID=$(python3 -c 'import uuid; print(uuid.uuid4())')
TOKEN=$(curl -sS -X POST "$BASE/api/auth/anonymous-token" "${HDRS[@]}" -H "X-Client-Id: $CLIENT_ID" \
  | field data.token)
AUTH=(-H "Authorization: Bearer $TOKEN")

SID=$(curl -sS -X POST "$BASE/api/tasks/me/with-session/nemo_agent" "${HDRS[@]}" "${AUTH[@]}" \
  -H "Content-Type: application/json" -d '{"task_name":"project","language":"en"}' | field data.session_id)
echo "session: $SID"

BODY=$(python3 -c 'import json, sys; print(json.dumps({"app_name": "nemo_agent", "user_id": "me",
  "session_id": sys.argv[1], "new_message": {"parts": [{"text": sys.argv[2]}]}}))' "$SID" "$PROMPT")
EVENTS=$(curl -sS -N -X POST "$BASE/run_sse" "${HDRS[@]}" "${AUTH[@]}" -H "Content-Type: application/json" \
  -H "Accept: text/event-stream" -d "$BODY" | grep -c '^data: ')
echo "events: $EVENTS"

DRAFT=$(curl -sS "$BASE/api/state/nemo_agent/me/$SID/latest" "${HDRS[@]}" "${AUTH[@]}" | field data.state.draft)
echo "draft: $DRAFT"

RID="render_$(date +%s%3N)"
curl -sS -X POST "$BASE/api/render/proxy/lambda" "${HDRS[@]}" "${AUTH[@]}" -H "Content-Type: application/json" \
  -d "{\"id\":\"$RID\",\"sessionId\":\"$SID\",\"draft\":$DRAFT,\"output\":{\"format\":\"mp4\",\"quality\":\"high\"}}" \
  | field data.status >/dev/null

STATUS=queued
for _ in $(seq "$TRIES"); do
  JOB=$(curl -sS "$BASE/api/render/proxy/lambda/$RID" "${HDRS[@]}" "${AUTH[@]}")
  STATUS=$(printf '%s' "$JOB" | field data.status)
  [ "$STATUS" = completed ] || [ "$STATUS" = failed ] && break
  sleep "$POLL_S"
done
echo "render $RID: $STATUS"
[ "$STATUS" = completed ] || { printf '%s\n' "$JOB" >&2; exit 1; }

URL=$(printf '%s' "$JOB" | field data.output.url)
curl -sS -f -o "$OUT" "$URL"
echo "saved: $OUT ($(wc -c < "$OUT") bytes)"
