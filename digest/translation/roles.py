"""Words whose Taiwan rendering depends on their role in the sentence.

通过 is two words in Taiwan: as a preposition ("via, through, by means of": 通过强化学习训练, 通过引入门控) Taiwan
writes 透過; as a verb with an object ("to pass": 通过测试, 通过审核, 全部通过。) it stays 通過. Hong Kong writes
通過 for both.

Part of speech does not separate them: jieba.posseg and rjieba tag 通过 p (preposition) in 模型通过测试 as in
通过强化学习训练; the tag is the dictionary's, not the sentence's. On the real corpus (tests/fixtures/zh_corpus,
1,844 occurrences) the verb is rare (17) and has one of two shapes, which a rule on the following words finds:
- nothing follows it in its clause (全部通过。 也能通过，但 ... 通过了 ... 编译通过的证明);
- its clause is a test it passes: the word just before the clause ends is an examination (测试, 审核, 检验,
  标准 ...): 未能通过内容扰动测试， 框架若通过检验，则 ... 虽能通过原始展开标准， 通过人工审核的样本; 验证 and
  the like only right after it (全部通过验证；).
Everything else is the preposition, including 通过测试时学习 (test-time learning: 时 does not end the clause),
通过验证器驱动的搜索 (验证 is not the last word of the clause), 并通过实验验证了其有效性 and
可通过SAT求解器自动验证 (验证 after a means is the sentence's own verb), 通过对八个模型进行测试 (an action, 进行).
On the corpus the rule reads 17 of the 1,844 as the verb, all rightly; what it still misses are verbs read as
prepositions (仅6个通过专家评估和证明验证), which a Taiwan reader sees as 透過, where before every one was 通過.
"""

from __future__ import annotations

#: What passing is done to: the last word of a clause that makes 通过 a verb (a word ending with one counts too:
#: 单元测试, 图灵测试), after modifiers or not (通过组合测试, 未能通过内容扰动测试).
EXAMINATIONS = (
    "测试", "考试", "测验", "考核", "审核", "审查", "审批", "审计", "检验", "认证", "评审", "验收", "门槛",
    "关卡", "面试", "安检", "质检", "标准",
)  # fmt: skip
#: Words that are as often the main verb of the sentence, with 通过 leading to its means (通过仿真分析验证,
#: 通过保留局部证据实现高精度检测): they make 通过 a verb only right after it (通过验证；通过筛选的样本).
ALSO_ACTIONS = ("验证", "检查", "检测", "校验", "筛选", "过滤")
#: Verbs that show the clause after 通过 is a means to an action, not a test passed (通过QTSP实现合格认证).
ACTIONS = frozenset({"进行", "实现", "完成", "获得", "取得", "达到", "生成", "提升", "提高", "使用", "利用", "采用"})
#: Words that end the clause of a verb (punctuation ends it too; 了 only right after 通过: 通过了测试, whereas
#: 通过实验验证了 is the means of 验证了).
CLAUSE_ENDS = frozenset({"的", "之后", "以后", "并", "并且", "而", "则", "且", "才", "就", "即可", "便"})
#: How many words after 通过 the rule looks at for the end of its clause.
WINDOW = 8
_PUNCTUATION = set("，。；：！？）)]】」』…,.;:!?\n")


def _ends_clause(word: str) -> bool:
    return word in CLAUSE_ENDS or (bool(word.strip()) and all(char in _PUNCTUATION for char in word.strip()))


def tongguo_is_verb(words: list[str], index: int) -> bool:
    """Whether words[index] (通过) is the verb "pass" rather than the preposition "through"."""
    rest = [word for word in words[index + 1 : index + 1 + WINDOW] if word.strip()]
    if not rest or rest[0] == "了" or _ends_clause(rest[0]):
        return True  # nothing follows in its clause: 全部通过。 也能通过，但 通过了 通过的比例
    clause: list[str] = []
    for word in rest:
        if _ends_clause(word) or (word == "后" and clause):  # 通过审核后才…, but 通过后训练 is post-training
            break
        clause.append(word)
    else:
        if len(words) > index + 1 + WINDOW:
            return False  # a clause that long is what 通过 leads into, not what it passes
    if any(word in ACTIONS for word in clause):
        return False
    last = clause[-1]
    return last.endswith(EXAMINATIONS) or (len(clause) == 1 and last.endswith(ALSO_ACTIONS))


def role_form(words: list[str], index: int, language: str) -> str | None:
    """The variant form of words[index] decided by its role, or None when the word has no role-dependent form."""
    if words[index] == "通过" and language == "zh-Hant-TW":
        return "通過" if tongguo_is_verb(words, index) else "透過"
    return None
