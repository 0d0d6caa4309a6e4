"""通过 by its role: Taiwan writes 透過 for the preposition ("via, through") and 通過 for the verb ("to pass").
The sentences are real (tests/fixtures/zh_corpus, except the issue's own short examples)."""

from __future__ import annotations

import pytest

from digest.translation.phrases import PhraseTable, shipped_phrases
from digest.translation.variants import conversion_pieces, convert_translation

TABLE = PhraseTable(shipped_phrases())
VIA, PASS = "透過", "通過"

PREPOSITION = [
    "我们通过强化学习训练模型。",
    "通过引入门控机制，模型更稳定。",
    "音频大语言模型能提取语音中的信息，但若不通过显式中间表征，则无法稳定地将信息转化为行动。",
    "它通过测试时学习快速权重神经记忆网络，将推理成本与上下文长度解耦。",
    "一种双维度动态扩展的RAG框架，通过验证器驱动的路由和证据库实现检索与推理的自适应扩展。",
    "提出一种基于LLM的自动化特征提取器合成方法，通过检查-修复-验证循环生成可解释的Python代码。",
    "用于金融时间序列变点检测，通过验证反馈引导的轨迹演化，适应不同数据集特性。",
    "超过一半的插入知识无法通过直接提示获取。",
    "提示诱导的局部稳定化可通过降低内部敏感性实现，但这一过程并不等同于校准。",
    "此外，通过计算图剪枝和梯度重放减少GPU开销。",
    "通过对比学习和生成损失对齐文本编码器与时间序列基础模型。",
    # The test is the sentence's own verb; 通过 leads to its means.
    "本文提出了一种几何优化方法，并通过实验验证了其有效性。",
    "解的大小最多10个顶点，可通过SAT求解器自动验证。",
    "本文通过雅可比透镜测试了语言模型中是否存在控制工作记忆的门控机制；",
    "通过对八个模型进行测试，发现排名取决于所选择的指标。",
    "FABLE-Therm通过保留局部证据实现高精度检测。",
    "支持通过QTSP实现合格认证。",
    "仅通过后训练即可显著提升流式视频理解性能。",
]
VERB = [
    "模型通过测试。",
    "所有样本都通过审核后才发布。",
    "全部通过验证；",
    "减少对失败轨迹的错误通过。",
    "结果感知重拟合改善一步误差但无法通过组合测试。",
    "发现现有指标（包括LLM评判）未能通过内容扰动测试，且与人类专家的判断一致性差。",
    "位置编辑虽能通过原始展开标准，但随机对照也能通过，缺乏特异性。",
    "框架若通过检验，则物理AI可从档案驱动；",
    "前馈和Transformer模型均通过128对匹配测试，检测器成功恢复信号。",
    "AstronOS在主要三阶段批次中通过率最高（15次中14次通过），而重读为0/15；",
    "受控研究显示校准全部通过，成员修复在9次试验中5次满足严格条件。",
    "AMOS控制通过，但迁移后7/12器官超过α=0.10；",
    "在2x2研究中，180个在线LLM响应全部通过验证；",
    "通过人工审核的样本被保留。",
    "所有保留源折叠通过基础测试，但结构曲率和域共轭增加误差。",
    "现有的自动形式化与证明搜索虽然能生成编译通过的证明，但往往不忠实于自然语言论证的推理过程。",
    "并在两个独立的Panda平台上通过了运动规划、柔顺控制和触觉遥操作的验证。",
]


def standalone(sentence: str) -> int:
    """How many times 通过 stands as a word of its own (通过率, the pass rate, is another word)."""
    return sentence.count("通过") - sentence.count("通过率")


def roles(text: str) -> list[str]:
    return [piece.text for piece in conversion_pieces(text, "zh-Hant-TW", (), TABLE) if piece.source == "通过"]


@pytest.mark.parametrize("sentence", PREPOSITION)
def test_through_as_a_preposition_is_written_as_in_taiwan(sentence):
    assert roles(sentence) == [VIA] * standalone(sentence)
    assert VIA in convert_translation(sentence, "zh-Hant-TW", (), TABLE)


@pytest.mark.parametrize("sentence", VERB)
def test_through_as_the_verb_pass_stays(sentence):
    assert roles(sentence) == [PASS] * standalone(sentence)
    assert VIA not in convert_translation(sentence, "zh-Hant-TW", (), TABLE)


def test_a_sentence_with_both_roles_gets_each_its_own():
    sentence = "早期合格队列也未完全通过，我们通过引入新的检查点重新训练。"
    assert roles(sentence) == [PASS, VIA]


def test_the_pass_rate_is_a_word_of_its_own():
    assert convert_translation("通过率最高", "zh-Hant-TW", (), TABLE) == "通過率最高"


@pytest.mark.parametrize("sentence", [*PREPOSITION, *VERB])
def test_hong_kong_writes_tong_guo_in_both_roles(sentence):
    converted = convert_translation(sentence, "zh-Hant-HK", (), TABLE)
    assert VIA not in converted and converted.count(PASS) == sentence.count("通过")
