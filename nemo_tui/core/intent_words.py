"""The words the intent router reads (router.py): fillers that leave a trigger alone, editing words
that make a message an edit, negations, how-to and question openers — English and Chinese."""

from __future__ import annotations

import re

COMMON_FILLERS = frozenset(
    (
        "please pls plz now the a an my me it this that to for i you can could would will go "
        "ahead ok okay lets let's let us just then right away again thanks thank hey yes and as "
        "in at of on with hi hello"
    ).split()
)
EDIT_WORDS = frozenset(
    (
        "add put make change remove delete cut trim generate create replace insert set adjust "
        "increase decrease lower raise turn use apply mix fade edit music bgm audio sound song "
        "voice volume title caption captions subtitle subtitles text color colour colors colours "
        "brightness speed transition effect effects filter scene background intro outro logo "
        "levels roll end ending opening"
    ).split()
)
ZH_EDIT = (
    "加",
    "添加",
    "生成",
    "改",
    "换",
    "删",
    "剪",
    "调",
    "放",
    "配",
    "制作",
    "插入",
    "替换",
    "合成",
    "音乐",
    "字幕",
    "标题",
    "音量",
    "背景",
)
NEGATION = re.compile(
    r"\b(?:don'?t|do not|doesn'?t|not|never|later|wait|hold off|stop|cancel|before|instead)\b",
    re.IGNORECASE,
)
ZH_NEGATION = re.compile(
    r"不要|别|先不|暂时不|不用|不需要|还不|等会|等一下|稍后|以后|晚点|不(?:导出|下载|上传)"
)
HOW_TO = re.compile(r"^\s*how\s+(?:do|can|should|would)\s+(?:i|we|you)\b|^\s*how\s+to\b", re.IGNORECASE)
ZH_HOW_TO = re.compile(r"怎么|如何|怎样|咋")
WH_START = re.compile(r"^\s*(?:what|what's|whats|why|how|when|where|which|who|does|is|are)\b", re.IGNORECASE)
ZH_QUESTION = re.compile(r"什么|为什么|哪")
RESOLUTION = re.compile(r"^(?:\d{3,4}p|[248]k|\d{3,4}x\d{3,4})$")
ZH_FILLERS = sorted(
    (
        "请",
        "帮我",
        "给我",
        "麻烦",
        "把",
        "一下",
        "我的",
        "我",
        "的",
        "吧",
        "了",
        "吗",
        "呢",
        "啊",
        "现在",
        "马上",
        "立即",
        "立刻",
        "可以",
        "能",
        "视频",
        "这个",
        "那个",
        "成",
        "为",
        "文件",
        "查看",
        "查询",
        "看看",
        "看",
        "显示",
        "剩余",
        "剩下",
        "还有",
        "还",
        "有",
        "多少",
        "当前",
        "目前",
        "项目",
        "一个",
        "高清",
        "格式",
        "发给我",
        "发我",
        "所有",
        "全部",
        "一",
        "我想",
        "我要",
        "想要",
        "想",
        "要",
        "来",
        "出来",
    ),
    key=len,
    reverse=True,
)
