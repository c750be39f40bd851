"""The app's words about money and jobs (issue 14), in English and Chinese: merged into
`i18n.MESSAGES`. A leaf module, like i18n itself."""

from __future__ import annotations

COST_MESSAGES: dict[str, dict[str, str]] = {
    "quote.known": {
        "en": "This will cost about {credits} credits ({seconds} s of video at {rate} per second).",
        "zh": "预计花费约 {credits} 积分（{seconds} 秒视频，每秒 {rate}）。",
    },
    "quote.unknown": {
        "en": "This generates about {seconds} s of video; its cost is unknown until a first generation "
        "on this backend has been measured.",
        "zh": "将生成约 {seconds} 秒视频；在此后端测得第一次生成的花费之前，价格未知。",
    },
    "quote.confirm": {
        "en": "Send it? It is above {why}.",
        "zh": "确定发送吗？它超过了{why}。",
    },
    "quote.why_threshold": {"en": "your confirm-above limit of {limit}", "zh": "确认阈值 {limit}"},
    "quote.why_balance": {"en": "your balance of {balance}", "zh": "你的余额 {balance}"},
    "quote.why_limit": {"en": "the --max-credits limit of {limit}", "zh": "--max-credits 上限 {limit}"},
    "quote.why_unknown": {"en": "a known price (it is unknown)", "zh": "已知价格（价格未知）"},
    "quote.refused": {
        "en": "Not sent, nothing spent: {reason}",
        "zh": "未发送，没有花费积分：{reason}",
    },
    "quote.budget": {
        "en": "this session's budget is {budget} credits, {spent} are spent and this would cost about {credits}.",
        "zh": "本会话预算 {budget} 积分，已花费 {spent}，这次约需 {credits}。",
    },
    "ledger.empty": {"en": "No turns recorded yet.", "zh": "还没有记录。"},
    "ledger.total": {
        "en": "Spent: {session} in this session, {total} in all sessions.",
        "zh": "花费：本会话 {session}，所有会话共 {total}。",
    },
    "ledger.total_all": {"en": "Spent in all sessions: {total}.", "zh": "所有会话共花费：{total}。"},
    "ledger.unknown": {"en": "?", "zh": "?"},
    "jobs.empty": {"en": "No jobs yet.", "zh": "还没有任务。"},
    "jobs.eta": {"en": "about {seconds} s left", "zh": "约剩 {seconds} 秒"},
    "jobs.kind.export": {"en": "export", "zh": "导出"},
    "jobs.kind.preview": {"en": "preview", "zh": "预览"},
    "jobs.kind.generation": {"en": "generation", "zh": "生成"},
}
