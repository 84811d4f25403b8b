"""異体字 folding for search: the shipped table (storage/itaiji.py, source named there) is pinned
here entry by entry, it folds both ways through the index, and an index built with an older
folding is rebuilt when the profile opens."""

from __future__ import annotations

import pytest

from storage import itaiji, search, search_index
from storage import profile as sp
from storage.textnorm import fold
from tests.conftest import FAST_KDF, PASSPHRASE

PINNED = (
    "髙高 﨑崎 嵜崎 \U00020BB7吉 邊辺 邉辺 齋斎 齊斎 斉斎 濵浜 濱浜 澤沢 國国 圀国 櫻桜 廣広 龍竜 德徳 冨富 嶋島 嶌島 "
    "栁柳 曾曽 槇槙 穗穂 凜凛 瀨瀬 壽寿 惠恵 眞真 藏蔵 條条 會会 實実 彌弥 禮礼 榮栄 萬万 與与 亞亜 傳伝 關関 澁渋 "
    "淺浅 瀧滝 戶戸 舘館 薗園 莊荘 驒騨 兒児 黑黒 增増 﨔欅 桒桑 邨村 峯峰 嶽岳 晉晋 龝秋 驛駅 巖巌 髮髪 﨟臈 蘆芦 "
    "螢蛍 圓円 淵渕 兩両 壺壷 檜桧 杦杉"
)


def test_the_table_is_exactly_the_pinned_entries():
    pinned = {pair[0]: pair[1] for pair in PINNED.split()}
    assert pinned == itaiji.VARIANTS
    assert all(len(v) == 1 and len(o) == 1 for v, o in itaiji.VARIANTS.items())  # positions stay aligned
    assert not set(itaiji.VARIANTS.values()) & set(itaiji.VARIANTS)  # one step: no chains


@pytest.mark.parametrize("written,typed", [("髙﨑 𠮷男", "高崎 吉男"), ("渡邊", "渡辺"), ("渡邉", "渡辺"),
                                           ("齋藤", "斎藤"), ("齊藤", "斎藤"), ("濵田", "浜田"), ("祐介", "祐介")])
def test_variants_fold_to_what_a_worker_types(written, typed):
    assert fold(written) == fold(typed)


@pytest.fixture
def store(profile_dir):
    p = sp.create_profile(profile_dir, PASSPHRASE, kdf=FAST_KDF)
    with p.store.write() as r:
        r.insert("person", {"household_id": "h1", "name": "髙﨑 𠮷男", "kana": "タカサキ ヨシオ"}, vault_id="v",
                 record_id="p1")
        r.insert("person", {"household_id": "h2", "name": "高崎 吉男"}, vault_id="v", record_id="p2")
        r.insert("person", {"household_id": "h3", "name": "渡邉 齋"}, vault_id="v", record_id="p3")
    yield p
    p.close()


def found(store, query):
    return sorted(h.entity_id for h in search.search(store.index.reader(), query))


@pytest.mark.parametrize("query", ["高崎", "髙﨑", "吉男", "𠮷男", "高﨑 𠮷男"])
def test_search_folds_both_ways(store, query):
    assert found(store.store, query) == ["p1", "p2"]


def test_two_character_variant_terms_too(store):
    assert found(store.store, "渡辺") == ["p3"]
    assert found(store.store, "斉") == ["p3"]  # one character: expanded through the vocabulary


def test_an_index_built_with_an_older_folding_is_rebuilt_once_at_open(store, profile_dir):
    index = store.store.index
    index.flush()
    with index.separate_connection() as conn:  # as an older version left it: 髙﨑 unfolded, an old mark
        conn.execute("UPDATE search_fts SET body = '髙﨑 𠮷男' || char(57344, 57344) WHERE rowid = "
                     "(SELECT rowid FROM search_doc WHERE entity_id = 'p1')")
        conn.execute("UPDATE meta SET value = '1' WHERE key = ?", (search_index.FOLD_KEY,))
    assert found(store.store, "高崎") == ["p2"]
    store.close()
    reopened = sp.open_profile(profile_dir, PASSPHRASE)
    try:
        assert found(reopened.store, "高崎") == ["p1", "p2"]
        with reopened.store.index.separate_connection() as conn:
            mark = conn.execute("SELECT value FROM meta WHERE key = ?", (search_index.FOLD_KEY,)).fetchone()[0]
        assert mark == search.FOLD_VERSION
    finally:
        reopened.close()
