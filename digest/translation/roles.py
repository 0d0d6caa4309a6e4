"""Words whose Taiwan rendering depends on their role in the sentence.

通过 is two words in Taiwan: as a preposition ("via, through, by means of": 通过强化学习训练, 通过引入门控) Taiwan
writes 透過; as a verb with an object ("to pass": 通过测试, 通过审核, 全部通过。) it stays 通過. Hong Kong writes
通過 for both.

Part of speech does not separate them: jieba.posseg and rjieba tag 通过 p (preposition) in 模型通过测试 as in
通过强化学习训练; the tag is the dictionary's, not the sentence's. On the real corpus (tests/fixtures/zh_corpus,
1,844 occurrences) the verb is rare (about 15) and always has one of two shapes, which a rule on the following
words finds:
- nothing follows it in its clause (全部通过。 也能通过，但 ... 通过了 ... 通过的比例);
- its clause is a test it passes: the word just before the clause ends is an examination (测试, 审核, 检验, 验证 ...):
  未能通过内容扰动测试， 框架若通过检验，则 ... 通过人工审核的样本.
Everything else is the preposition, including 通过测试时学习 (test-time learning: 时 does not end the clause) and
通过验证器驱动的搜索 (验证 is not the last word of the clause).
"""

from __future__ import annotations

#: What passing is done to: the last word of a clause that makes 通过 a verb (a word ending with one counts too:
#: 单元测试, 图灵测试).
EXAMINATIONS = (
    "测试", "考试", "测验", "审核", "审查", "审批", "审计", "检验", "检查", "校验", "验证", "认证", "评审", "验收",
    "筛选", "过滤", "门槛", "关卡", "面试", "安检", "质检",
)  # fmt: skip
#: Words that end the clause of a verb (punctuation ends it too).
CLAUSE_ENDS = frozenset({"的", "了", "后", "之后", "以后", "并", "并且", "而", "则", "且", "才", "就", "即可", "便"})
#: How many words after 通过 the rule looks at for the end of its clause.
WINDOW = 8
_PUNCTUATION = set("，。；：！？、）)]】」』…,.;:!?\n")


def _ends_clause(word: str) -> bool:
    return word in CLAUSE_ENDS or (bool(word.strip()) and all(char in _PUNCTUATION for char in word.strip()))


def tongguo_is_verb(words: list[str], index: int) -> bool:
    """Whether words[index] (通过) is the verb "pass" rather than the preposition "through"."""
    rest = words[index + 1 :]
    clause: list[str] = []
    for word in rest[:WINDOW]:
        if not word.strip():
            continue
        if _ends_clause(word):
            break
        clause.append(word)
    else:
        if len(rest) > WINDOW:
            return False  # a clause that long is what 通过 leads into, not what it passes
    return not clause or clause[-1].endswith(EXAMINATIONS)


def role_form(words: list[str], index: int, language: str) -> str | None:
    """The variant form of words[index] decided by its role, or None when the word has no role-dependent form."""
    if words[index] == "通过" and language == "zh-Hant-TW":
        return "通過" if tongguo_is_verb(words, index) else "透過"
    return None
