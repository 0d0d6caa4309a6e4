"""A Taiwan and a Hong Kong reader's email in Chromium: the AI vocabulary in each variant's own wording (the
phrase table), 「」 quotes, and the topic tag matching the abstract. Screenshots in var/screenshots/."""

import email
from email import policy

import pytest

from digest.delivery.fanout import send_edition
from digest.editions.build import build_edition
from digest.translation.variants import to_variant
from tests.e2e.conftest import screenshot
from tests.factories import PaperFactory, SubscriberFactory, TranslationFactory

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "由此推导出鲁棒优化的上界"
ABSTRACT = (
    "我们研究大语言模型在“协同推理”中的鲁棒性：由此推导出的上界表明，点在线段上采样时，"
    "注册的回调函数可以处理并发请求。这些文件表明，实验结果支持这一假设，并在视频理解任务上验证。"
)
EXPECTED = {
    "zh-Hant-TW": [
        "推導出穩健最佳化",
        "大型語言模型",
        "「協同推理」",
        "在線段上",
        "回呼函式",
        "並行請求",
        "這些文件",
        "支持這一假設",
    ],
    "zh-Hant-HK": [
        "推導出穩健優化",
        "大型語言模型",
        "「協同推理」",
        "在線段上",
        "回調函數",
        "並發請求",
        "這些文件",
        "支持這一假設",
    ],
}
MAINLAND = ["推匯出", "魯棒", "線上段上", "回撥", "併發", "這些檔案", "支援這一假設", "大語言模型", "“"]


@pytest.mark.parametrize("language", sorted(EXPECTED))
def test_the_email_reads_in_the_readers_own_wording(page, topics, outbox_dir, language):
    paper = PaperFactory(title="Deriving Upper Bounds for Robust Optimization", topics=[topics["llm"]])
    TranslationFactory(paper=paper, title=TITLE, abstract=ABSTRACT)
    SubscriberFactory(email="reader@example.com", language=language, topics=[topics["llm"]])
    send_edition(build_edition(paper.announced_on))
    (path,) = outbox_dir.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
    page.set_content(message.get_body(("html",)).get_content())
    shown = page.locator("body").inner_text()
    for wording in EXPECTED[language]:
        assert wording in shown
    for mainland in MAINLAND:
        assert mainland not in shown
    # The topic tag goes through the same conversion as the abstract (one rendering per variant).
    assert to_variant(topics["llm"].name_zh, language) in page.locator(".topics").first.inner_text()
    screenshot(page, f"email-{language}-ai-wording")
