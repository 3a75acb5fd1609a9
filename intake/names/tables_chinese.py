"""Standard Chinese transcriptions of Uyghur, Kazakh and Kyrgyz names, with their Latin form.

Pure data for intake/names/chinese.py. The Chinese forms are the ones PRC documents use under
DB65/T 2189-2005 《维吾尔人名汉字音译转写规则》 (Xinjiang Uyghur Autonomous Region local standard,
2005: rules for transcribing Uyghur personal names into Chinese characters; Kazakh and Kyrgyz
names are transcribed by the same practice). The Latin form is ULY for Uyghur names and the
common Latin spelling for Kazakh and Kyrgyz names. Parts (古丽 gül, 江 jan, 阿依 ay, 阿不都 abdu…)
let the dictionary read compound names it does not list whole (阿力木江 = 阿力木 + 江).
Adding a name is data entry: one line, checked by tests/intake/test_names_scripts.py.
"""

from __future__ import annotations

CHINESE_NAMES: dict[str, str] = {
    # parts of compound names
    "古丽": "gül", "江": "jan", "阿依": "ay", "阿不都": "abdu", "努尔": "nur", "别克": "bek",
    "汗": "xan", "阿吉": "haji", "巴依": "bay",
    # Uyghur men
    "吐尔逊": "tursun", "买买提": "memet", "阿不力米提": "ablimit", "阿不都拉": "abdulla",
    "艾合买提": "ehmet", "艾山": "hesen", "库尔班": "qurban", "艾尔肯": "erkin", "阿迪力": "adil",
    "伊力哈木": "ilham", "阿不都克热木": "abdukérim", "阿不都热依木": "abduréhim",
    "阿力木": "alim", "尼亚孜": "niyaz", "玉苏甫": "yüsüp", "木塔力甫": "mutellip",
    "帕尔哈提": "perhat", "肉孜": "rozi", "托合提": "tohti", "沙吾提": "sawut", "居麦": "jüme",
    "艾克拜尔": "ekber", "迪力夏提": "dilshat", "亚力坤": "yalqun", "吾买尔": "ömer",
    "赛买提": "semet", "热夏提": "rishat", "哈力木拉提": "xalmurat", "吐尔洪": "turghun",
    "依明": "imin", "卡米力": "kamil", "阿不都热西提": "abdureshit", "艾力": "eli",
    "穆罕默德": "muhemmed",
    # Uyghur women
    "古丽娜尔": "gülnar", "古丽努尔": "gülnur", "阿依古丽": "aygül", "阿依仙木": "ayshem",
    "帕提曼": "patime", "祖力皮亚": "zulpiye", "热依拉": "rahile", "米合日古丽": "mihrigül",
    "热比娅": "rabiye", "迪丽努尔": "dilnur", "吐尔逊阿依": "tursunay", "阿迪莱": "adile",
    "艾比拜": "hebibe", "帕丽达": "parida", "努尔古丽": "nurgül", "古丽仙": "gülshen",
    # Kazakh and Kyrgyz
    "努尔兰": "nurlan", "赛力克": "serik", "赛力克江": "serikjan", "巴合提江": "baqytjan",
    "阿斯哈尔": "asqar", "叶尔波力": "erbol", "马拉提": "marat", "木拉提": "murat",
    "努尔波拉提": "nurbolat", "艾多斯": "aidos", "库瓦尼西": "quanysh", "阿赛勒": "äsel",
    "沙吾列": "säule", "迪娜拉": "dinara", "波塔阔孜": "botagöz", "娜孜古丽": "nazgül",
    "努尔别克": "nurbek", "塔兰特": "talant", "阿扎马特": "azamat", "吉力都孜": "jyldyz",
    "古丽扎提": "gülzat",
}  # fmt: skip
LONGEST_NAME = max(len(k) for k in CHINESE_NAMES)

# Common surnames of Hui (and Han) Chinese, whose names are written without a space (马文华):
# a word of two to four characters starting with one of them is also read as surname + given
# name (ma wenhua). Uyghur transcriptions starting with the same character (马木提) keep their
# unsplit reading too.
SURNAMES = frozenset("马杨李白丁韩苏王张刘陈赵金海穆哈沙周吴黄冶锁纳麻")
