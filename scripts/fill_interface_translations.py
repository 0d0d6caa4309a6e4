"""Fills the interface .po files: Simplified Chinese written here, Traditional (Taiwan, Hong Kong)
converted by OpenCC so the three never drift apart. Run after `manage.py makemessages`; edit the
Traditional .po files by hand afterwards only where OpenCC's phrasing is wrong (the script keeps
entries marked with a `# manual` translator comment)."""

from pathlib import Path

import opencc
import polib

ZH_HANS = {
    "Language": "语言",
    "Weekly": "每周精选",
    "Choose a time zone from the list.": "请从列表中选择时区。",
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
    # --- Web pages for subscribers (issue 5) ---
    "Choose topics from the list.": "请从列表中选择主题。",
    "Do not pause (resume now)": "不暂停（立即恢复）",
    "%(count)d day": ["%(count)d 天"],
    "Pause for": "暂停时长",
    "New email address": "新的电子邮件地址",
    "Skip to content": "跳到正文",
    "Site": "网站",
    "Interface language": "界面语言",
    "Change": "切换",
    "All translations": "所有译文",
    "Feeds": "订阅源",
    "In the editions of": "收录于以下各期：",
    "Useful?": "有帮助吗？",
    "Useful": "有帮助",
    "Not useful": "没帮助",
    "Someone (probably you) asked to send Daily AI Papers to this address instead of %(old_email)s. To confirm, open this link:": "有人（可能是你）要求将每日精选 AI 论文改寄到这个地址，而不再寄到 %(old_email)s。请打开以下链接确认：",
    "Confirm new address": "确认新地址",
    "The link is valid for %(days)s days. If you did not ask for this, ignore this email: nothing will change.": "链接 %(days)s 天内有效。如果这不是你本人的操作，请忽略本邮件，一切保持不变。",
    "Confirm your new address for Daily AI Papers": "请确认你在每日精选 AI 论文的新地址",
    "You signed out everywhere: every earlier link to your Daily AI Papers subscription no longer works. This is your new link to the preference centre:": "你已在所有地方登出：之前每日精选 AI 论文寄给你的所有链接都已失效。这是你新的订阅偏好链接：",
    "Your new link to Daily AI Papers preferences": "你的每日精选 AI 论文订阅偏好新链接",
    "This address is already subscribed": "这个地址已有订阅",
    "%(email)s already has its own subscription, so we did not move yours to it. Unsubscribe one of the two first, then try again.": "%(email)s 已有自己的订阅，因此我们没有把你的订阅转过去。请先退订其中一个，再试一次。",
    "Your address has changed": "地址已更改",
    "From the next edition on, we send to %(email)s.": "从下一期起，我们将寄到 %(email)s。",
    "Mark this paper as useful?": "将这篇论文标记为有帮助？",
    "Mark this paper as not useful?": "将这篇论文标记为没帮助？",
    "Your votes help the editors choose; you can change a vote at any time.": "你的评价能帮助编辑挑选论文；你随时可以更改评价。",
    "Thank you": "谢谢",
    "Recorded: useful.": "已记录：有帮助。",
    "Recorded: not useful.": "已记录：没帮助。",
    "Get fewer papers like this: choose your topics": "减少这类论文：调整你的主题",
    "We do not know this paper. Use the link in a recent email.": "我们找不到这篇论文。请使用最近邮件中的链接。",
    "Paused until %(date)s.": "已暂停至 %(date)s。",
    "Emails resume with the next edition.": "下一期起恢复寄送。",
    "We sent a confirmation link to %(email)s. Your address changes when you click it; until then we keep writing to this one.": "我们已向 %(email)s 发送确认链接。点击后地址即更改；在此之前我们仍寄到目前的地址。",
    "You are unsubscribed. Saving your preferences below subscribes you again with them.": "你已退订。保存下方的偏好设置，即会按这些设置重新订阅。",
    "Emails to this address could not be delivered, so we stopped sending. Subscribe again on the sign-up page and confirm the address.": "寄往这个地址的邮件无法送达，因此我们已停止寄送。请在订阅页面重新订阅并确认地址。",
    "Your subscription starts once you click the link in the confirmation email.": "点击确认邮件中的链接后，订阅即生效。",
    "Fewer of these?": "想少看这类论文吗？",
    "You marked %(count)s paper in %(topic)s as not useful. Untick %(topic)s below to get fewer of these.": [
        "你将「%(topic)s」中的 %(count)s 篇论文标记为没帮助。在下方取消勾选「%(topic)s」，即可减少这类论文。"
    ],
    "Pause": "暂停",
    "Change email address": "更改电子邮件地址",
    "We send a link to the new address; the change happens when you click it.": "我们会向新地址发送链接，点击后才会更改。",
    "Send confirmation link": "发送确认链接",
    "Editions sent to you": "已寄给你的各期",
    "None yet.": "暂无。",
    "Sign me out everywhere": "在所有地方登出",
    "Makes every link we ever sent you stop working (for example if you forwarded an email). We send you one new link.": "让我们寄给你的所有链接全部失效（例如你转发过邮件时）。我们会另寄一个新链接给你。",
    "Too many requests": "请求过于频繁",
    "We received many sign-up requests from you or for this address in a short time. Please wait an hour and try again; a confirmation email already sent is still valid.": "短时间内收到了来自你或针对这个地址的多次订阅请求。请一小时后再试；已寄出的确认邮件仍然有效。",
    "Read the archive meanwhile": "先看看往期存档",
    "Subscribe again": "重新订阅",
    "Send the daily email to %(email)s again?": "要重新向 %(email)s 寄送每日邮件吗？",
    "Subscribe me again": "重新订阅",
    "Please subscribe again": "请重新订阅",
    "Signed out everywhere": "已在所有地方登出",
    "Every link we sent you before no longer works, including this page's. Your subscription itself is unchanged.": "我们之前寄给你的所有链接（包括本页的链接）都已失效。你的订阅本身不受影响。",
    "We have sent a new link to the preference centre to %(email)s.": "我们已将新的订阅偏好链接寄到 %(email)s。",
    "We send a confirmation link first; nothing else arrives until you click it. Every email has a one-click unsubscribe link.": "我们会先寄出确认链接，点击之前不会寄出任何其他邮件。每封邮件都附有一键退订链接。",
    "Changed your mind?": "改变主意了？",
    "Or keep the email with fewer topics or fewer papers instead": "或者保留订阅，只减少主题或论文数",
    # --- The editors' admin (our own pages and actions; Django's admin has its own catalogue) ---
    "Daily AI Papers admin": "每日精选 AI 论文管理后台",
    "One case-insensitive regular expression per line; blank lines are ignored.": "每行一个正则表达式（不区分大小写）；空行会被忽略。",
    "Keywords": "关键词",
    "arXiv categories": "arXiv 分类",
    "keywords": "关键词",
    "Re-classify papers of the last {days} days with the current rules": "按当前规则重新分类最近 {days} 天的论文",
    "Re-classified %(count)d papers announced since %(since)s.": "已重新分类 %(since)s 以来发布的 %(count)d 篇论文。",
    "last error": "最近错误",
    "%(count)d source enabled.": ["已启用 %(count)d 个来源。"],
    "%(count)d source disabled.": ["已停用 %(count)d 个来源。"],
    "Enable the selected sources": "启用所选来源",
    "Disable the selected sources": "停用所选来源",
    "title": "标题",
    "topics": "主题",
    "url": "网址",
    "Fixed Traditional renderings (empty: converted by OpenCC from the Simplified one)": "固定的繁体译法（留空则由 OpenCC 从简体转换）",
    "unknown": "未知",
    "(no reason recorded)": "（未记录原因）",
    "line %(line)d: %(pattern)r %(reason)s": "第 %(line)d 行：%(pattern)r %(reason)s",
    "looks like a JSON list: write one pattern per line": "看起来是 JSON 列表：请每行写一个表达式",
    "is not a valid regular expression: %(error)s": "不是有效的正则表达式：%(error)s",
    "File": "文件",
    "CSV with the header {header}": "CSV 文件，表头为 {header}",
    "Dry run": "试运行",
    "check the file and report, change nothing": "只检查文件并报告，不做任何更改",
    "Reason": "原因",
    "why this address gets no more mail": "为什么不再向这个地址寄信",
    "Export the selected subscribers as CSV (import format)": "将所选订阅者导出为 CSV（导入格式）",
    "Suppress the selected subscribers (asks for a reason)": "停止寄信给所选订阅者（需填写原因）",
    "Suppressed %(count)d subscriber.": ["已停止寄信给 %(count)d 位订阅者。"],
    "Suppress subscribers": "停止寄信给订阅者",
    "Unsuppress the selected subscribers (active again)": "恢复寄信给所选订阅者（重新启用）",
    "Unsuppressed %(count)d subscriber.": ["已恢复寄信给 %(count)d 位订阅者。"],
    "The file is over %(megabytes)d MB.": "文件超过 %(megabytes)d MB。",
    "The file could not be imported: %(error)s": "无法导入文件：%(error)s",
    "Import (dry run): would create %(created)d, update %(updated)d, %(refused)d rows refused.": "导入（试运行）：将新增 %(created)d 位、更新 %(updated)d 位，拒绝 %(refused)d 行。",
    "Import: created %(created)d, updated %(updated)d, %(refused)d rows refused.": "导入：新增 %(created)d 位、更新 %(updated)d 位，拒绝 %(refused)d 行。",
    "Import subscribers from CSV": "从 CSV 导入订阅者",
    "By language and bilingual": "按语言与双语",
    "Bilingual is each reader's current setting. Opens and clicks count readers; a dash means no such event arrived for this edition (tracking off), not zero.": "双语为每位读者当前的设置。打开与点击按读者计数；短横线表示本期没有收到此类事件（未开启追踪），而不是零。",
    "Download these figures (CSV)": "下载这些数据（CSV）",
    "Bilingual": "双语",
    "sent": "已发送",
    "failed": "失败",
    "skipped": "已跳过",
    "pending": "待发送",
    "opened": "已打开",
    "clicked": "已点击",
    "No deliveries yet.": "尚无投递。",
    "All readers": "全部读者",
    "Why deliveries did not go out": "未寄出的原因",
    "Status": "状态",
    "Deliveries": "投递数",
    "Every delivery went out (or is still pending).": "所有邮件均已寄出（或仍在等待发送）。",
    "Translation usage by month (every request, failed ones too)": "每月翻译用量（所有请求，包括失败的）",
    "Month": "月份",
    "Requests": "请求数",
    "OK": "成功",
    "Failed": "失败",
    "Prompt tokens": "输入 token",
    "Completion tokens": "输出 token",
    "Estimated cost": "估计费用",
    "Import CSV": "导入 CSV",
    "One subscriber per row; header <code>%(header)s</code>. Language is one of zh-Hant-TW, zh-Hant-HK, zh-Hans, en; topics are slugs joined by <code>;</code> (empty: every topic). Rows become active subscribers: import only addresses that agreed to receive the newsletter. Suppressed addresses are never re-imported.": "每行一位订阅者；表头为 <code>%(header)s</code>。语言为 zh-Hant-TW、zh-Hant-HK、zh-Hans、en 之一；主题为以 <code>;</code> 连接的 slug（留空：全部主题）。每行都会成为有效订阅者：只导入同意接收本通讯的地址。已停止寄信的地址永远不会被重新导入。",
    "Import": "导入",
    "Rows refused": "被拒绝的行",
    "Line": "行",
    "These subscribers will get no more mail until unsuppressed:": "在恢复之前，这些订阅者将不再收到邮件：",
    "Suppress": "停止寄信",
    "Cancel": "取消",
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
