"""Fills the interface .po files: Simplified Chinese written here, Traditional (Taiwan, Hong Kong)
converted by OpenCC so the three never drift apart. Run after `manage.py makemessages`; edit the
Traditional .po files by hand afterwards only where OpenCC's phrasing is wrong (the script keeps
entries marked with a `# manual` translator comment)."""

from pathlib import Path

import opencc
import polib

ZH_HANS = {
    "Language": "语言",
    "Also show the English original": "同时显示英文原文",
    "Topics": "主题",
    "None chosen: every topic.": "不选则接收全部主题。",
    "Papers per email": "每封邮件的论文数",
    "Time zone": "时区",
    "Delivery time": "送达时间",
    "Email": "电子邮件",
    "Enter a valid email address.": "请输入有效的电子邮件地址。",
    "Daily AI Papers": "每日精选 AI 论文",
    "Archive": "往期存档",
    "Editor's pick": "编辑精选",
    "Link to this paper": "本文链接",
    "Not translated yet; shown in English.": "尚未翻译，暂以英文显示。",
    "Editor's note": "编辑按语",
    "Read on arXiv": "在 arXiv 阅读",
    "Code": "代码",
    "No editions yet.": "暂无往期内容。",
    "Please confirm your subscription to Daily AI Papers by opening this link:": "请打开以下链接，确认订阅每日精选 AI 论文：",
    "Confirm subscription": "确认订阅",
    "The link is valid for %(days)s days. If you did not ask for this, ignore this email: nothing will be sent to you.": "链接 %(days)s 天内有效。如果这不是你本人的操作，请忽略本邮件，我们不会再寄信给你。",
    "Confirm your subscription to Daily AI Papers": "请确认订阅每日精选 AI 论文",
    "%(count)s paper": ["%(count)s 篇"],
    "View in browser": "在浏览器中查看",
    "Why you got this: chosen by our editors.": "推荐原因：编辑精选。",
    "Why you got this: you follow %(topic)s.": "推荐原因：你关注了「%(topic)s」。",
    "You receive this email because you subscribed to %(site)s.": "你收到这封邮件，是因为你订阅了%(site)s。",
    "Manage preferences": "管理订阅偏好",
    "Unsubscribe": "退订",
    "%(site)s · %(date)s · %(count)s paper": ["%(site)s · %(date)s · %(count)s 篇"],
    "Check your inbox": "请查收邮件",
    "If this address can subscribe, we have sent it a link to confirm. The subscription starts once you click it.": "如果该地址可以订阅，我们已向它发送确认链接。点击链接后订阅即生效。",
    "You are subscribed": "订阅成功",
    "Your first email arrives with the next edition.": "下一期出刊时，你将收到第一封邮件。",
    "This link cannot be used": "此链接无法使用",
    "The link has expired.": "链接已过期。",
    "The link is no longer valid: newer links have replaced it.": "链接已失效：已有更新的链接取代它。",
    "The link is incomplete or has been changed.": "链接不完整或已被修改。",
    "Use the link in a recent email, or subscribe again.": "请使用最近邮件中的链接，或重新订阅。",
    "Subscribe": "订阅",
    "Your preferences": "你的订阅偏好",
    "Saved.": "已保存。",
    "Save": "保存",
    "Stop sending the daily email to %(email)s?": "确定不再向 %(email)s 发送每日邮件吗？",
    "You are unsubscribed": "已退订",
    "You will receive no more emails from us.": "你将不会再收到我们的邮件。",
    "Changed your mind? Subscribe again.": "改变主意了？重新订阅。",
    "Every weekday morning, the AI papers worth your time, translated into your own script.": "每个工作日早晨，为你精选值得一读的 AI 论文，并译成你习惯的中文。",
}

LOCALES = {"zh_Hans": None, "zh_TW": "s2twp", "zh_HK": "s2hk"}


def main() -> None:
    root = Path(__file__).resolve().parent.parent / "locale"
    for locale, config in LOCALES.items():
        converter = opencc.OpenCC(config) if config else None
        convert = converter.convert if converter else (lambda text: text)
        path = root / locale / "LC_MESSAGES" / "django.po"
        po = polib.pofile(str(path))
        po.metadata["Plural-Forms"] = "nplurals=1; plural=0;"
        for entry in po:
            if "manual" in (entry.tcomment or ""):
                continue
            value = ZH_HANS.get(entry.msgid)
            if value is None:
                print(f"{locale}: no translation for {entry.msgid!r}")
                continue
            entry.flags = [f for f in entry.flags if f != "fuzzy"]
            if entry.msgid_plural:
                entry.msgstr_plural = {0: convert(value[0])}
            else:
                entry.msgstr = convert(value)
        po.save()


if __name__ == "__main__":
    main()
