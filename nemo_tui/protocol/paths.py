"""The API's paths (PROTOCOL.md, Endpoints): one table for the client, which fills them in, and the
local engine, which routes them. Placeholders (`{session_id}`, `{render_id}`) are written as
Starlette path parameters, so the engine uses the templates as they are; the client fills them
with `fill`, which quotes each value (an id never changes the path's shape)."""

from __future__ import annotations

from urllib.parse import quote

APP_NAME = "nemo_agent"  # the seed's ADK app; also `app_name` in the /run_sse body
USER_ID = "me"  # the seed's user path segment; also `user_id` in the /run_sse body

ANONYMOUS_TOKEN = "/api/auth/anonymous-token"
CLAIM_TOKEN = "/api/auth/claim-token"
CREATE_SESSION = f"/api/tasks/{USER_ID}/with-session/{APP_NAME}"
RUN_SSE = "/run_sse"
UPLOAD_PREFIX = "/api/upload-video/"  # the engine gives bodies under it the upload cap
UPLOAD = f"{UPLOAD_PREFIX}{APP_NAME}/{USER_ID}/{{session_id}}"
CREDITS = "/api/credits/balance/simple"
STATE = f"/api/state/{APP_NAME}/{USER_ID}/{{session_id}}/latest"
RENDER = "/api/render/proxy/lambda"
RENDER_STATUS = f"{RENDER}/{{render_id}}"
RENDER_CANCEL = f"{RENDER_STATUS}/cancel"
RENDER_DOWNLOAD = "/api/render/proxy/{render_id}/download"
# The web app's page a claim token opens (on NEMO_WEB_URL, or the engine's own address).
CLAIM_PAGE = "/workspace/claim"


def fill(template: str, **ids: str) -> str:
    """`template` with each placeholder replaced by its value, quoted as one path segment."""
    return template.format(**{name: quote(value, safe="") for name, value in ids.items()})
