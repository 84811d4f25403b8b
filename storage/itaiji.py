"""異体字 (variant kanji) that search treats as the same character: each variant folds to its
ordinary form, in the index and in the query alike, so 高崎 finds 髙﨑 and 髙﨑 finds 高崎.

Source: the families of PyPI `ja-itaiji` 1.0.2 (MIT, its data/term/ja-itaiji.json), restricted
by hand to variants found in Japanese names and place names, with each variant folded to the
form a worker types (the JIS X 0208 form that 文字情報基盤's 縮退マップ degrades MJ characters
to). ja-itaiji's families also join different characters (埼 with 崎, 頻 with 濱) and Chinese
simplified forms (边, 泽); those are left out. Three entries are not in ja-itaiji and follow the
usual degeneration of names: 𠮷 (U+20BB7, 𠮷田) → 吉, and 齊 and 斉 → 斎, so the 斎藤/齋藤/
齊藤/斉藤 spellings of one surname find each other. Characters that NFKC already folds (the
CJK compatibility ideographs with a canonical form, such as 祐 U+FA1B) need no entry.

tests/storage/test_itaiji.py pins every entry. Adding one changes the folded text: raise
storage.search.FOLD_VERSION so existing profiles rebuild their index once.
"""

from __future__ import annotations

# variant → ordinary form. One code point each (the folding keeps text positions aligned).
VARIANTS: dict[str, str] = {
    "髙": "高", "﨑": "崎", "嵜": "崎", "\U00020BB7": "吉",  # 𠮷
    "邊": "辺", "邉": "辺", "齋": "斎", "齊": "斎", "斉": "斎", "濵": "浜", "濱": "浜",
    "澤": "沢", "國": "国", "圀": "国", "櫻": "桜", "廣": "広", "龍": "竜", "德": "徳", "冨": "富",
    "嶋": "島", "嶌": "島", "栁": "柳", "曾": "曽", "槇": "槙", "穗": "穂", "凜": "凛", "瀨": "瀬",
    "壽": "寿", "惠": "恵", "眞": "真", "藏": "蔵", "條": "条", "會": "会", "實": "実", "彌": "弥",
    "禮": "礼", "榮": "栄", "萬": "万", "與": "与", "亞": "亜", "傳": "伝", "關": "関", "澁": "渋",
    "淺": "浅", "瀧": "滝", "戶": "戸", "舘": "館", "薗": "園", "莊": "荘", "驒": "騨", "兒": "児",
    "黑": "黒", "增": "増", "﨔": "欅", "桒": "桑", "邨": "村", "峯": "峰", "嶽": "岳", "晉": "晋",
    "龝": "秋", "驛": "駅", "巖": "巌", "髮": "髪", "﨟": "臈", "蘆": "芦", "螢": "蛍", "圓": "円",
    "淵": "渕", "兩": "両", "壺": "壷", "檜": "桧", "杦": "杉",
}

TABLE = {ord(variant): ordinary for variant, ordinary in VARIANTS.items()}
