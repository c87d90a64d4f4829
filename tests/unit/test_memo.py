from application.memo import Memo


def test_a_memo_keeps_up_to_its_limit_then_forgets_everything_and_keeps_the_new_one() -> None:
    memo: Memo[str, int] = Memo(3)
    assert [memo.keep(key, n) for n, key in enumerate("abc")] == [0, 1, 2]
    assert dict(memo) == {"a": 0, "b": 1, "c": 2}
    assert memo.keep("b", 9) == 9
    assert len(memo) == 1, "full: emptied before keeping"
    assert memo.get("a") is None
    assert memo["b"] == 9


def test_a_flood_of_distinct_keys_never_grows_a_memo_past_its_limit() -> None:
    memo: Memo[int, int] = Memo(100)
    for n in range(10_000):
        memo.keep(n, n)
        assert len(memo) <= 100
    assert memo[9_999] == 9_999
