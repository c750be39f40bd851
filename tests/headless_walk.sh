#!/usr/bin/env bash
# Acceptance walk for the headless commands: generate, edit (title + BGM), check status, export —
# nothing but `nemo-tui` sub-commands, as a script or an SSH session would use them.
#
#   NEMO_API_BASE=http://127.0.0.1:8765 tests/headless_walk.sh out.mp4   # a running `nemo-tui serve`
#   tests/headless_walk.sh --local out.mp4                                # the embedded engine
#
# NEMO overrides the command (the tests use "python -m nemo_tui"). Each step checks its exit code
# and output; the first failure stops the walk with a non-zero status.
set -euo pipefail

read -r -a NEMO <<< "${NEMO:-nemo-tui}"
if [ "${1:-}" = "--local" ]; then
  BACKEND=(--local); shift
else
  : "${NEMO_API_BASE:?set NEMO_API_BASE to the engine URL, or pass --local}"
  BACKEND=(--backend cloud)
fi
OUT="${1:-./nemo-headless-walk.mp4}"
SECONDS_LONG="${WALK_SECONDS:-2}"
nemo() { "${NEMO[@]}" "${BACKEND[@]}" "$@"; }
step() { printf '== %s\n' "$*" >&2; }
fail() { printf 'walk failed: %s\n' "$*" >&2; exit 1; }

step "credits"
nemo credits --json | grep -q '"available"' || fail "credits --json has no balance"

step "generate"
reply=$(nemo ask --new "generate a ${SECONDS_LONG}-second video of a sunset over the ocean")
[ -n "$reply" ] || fail "the generate turn printed no reply"
printf '%s\n' "$reply" >&2

step "title (prompt from stdin)"
echo "add a title 'Golden Hour' for the first 1 seconds in green at the top" | nemo ask - >&2

step "background music (JSON events)"
events=$(nemo ask --json "add lo-fi background music at 35%")
grep -q '"kind":"reply_finished"' <<< "$events" || fail "no reply_finished event"

step "status"
summary=$(nemo status)
printf '%s\n' "$summary" >&2
for part in "Video:" 'Title: "Golden Hour"' "BGM:" "35%"; do
  [[ "$summary" == *"$part"* ]] || fail "status lacks $part"
done
nemo status --json | grep -q '"tt":7' || fail "status --json has no text track"

step "export"
saved=$(nemo export -o "$OUT")
[ "$saved" = "$(cd "$(dirname "$OUT")" && pwd)/$(basename "$OUT")" ] || fail "export printed $saved, not $OUT"
[ -s "$OUT" ] || fail "$OUT is empty"

step "sessions"
nemo sessions | grep -q "generate a ${SECONDS_LONG}-second video" || fail "the session is not listed"
printf 'walk ok: %s\n' "$OUT" >&2
