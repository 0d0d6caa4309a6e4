"""Compares two outboxes of `make demo` emails by content: the decoded parts of each recipient's email, with
signed tokens and hex ids masked (they differ on every run). A move that should change no behaviour must print
`0 differences`.

    python scripts/compare_outboxes.py OLD_OUTBOX_DIR NEW_OUTBOX_DIR
"""

from __future__ import annotations

import difflib
import email
import re
import sys
from email import policy
from pathlib import Path

HEADERS = ("subject", "to", "from", "list-id")


def load(folder: Path) -> dict[str, tuple[dict[str, str], list[tuple[str, str]]]]:
    emails = {}
    for path in sorted(folder.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        parts = [
            (part.get_content_type(), str(part.get_content()))
            for part in message.walk()
            if part.get_content_maintype() != "multipart"
        ]
        headers = {key: str(value) for key, value in message.items() if key.lower() in HEADERS}
        emails[str(message["To"])] = (headers, parts)
    return emails


def mask(text: str) -> str:
    text = re.sub(r"/[A-Za-z0-9_\-:.]{20,}/", "/TOKEN/", text)
    text = re.sub(r"[A-Za-z0-9_\-]{25,}:[A-Za-z0-9_\-:]{10,}", "TOKEN", text)
    return re.sub(r"[0-9a-f]{16,}", "HEX", text)


def main(old_dir: str, new_dir: str) -> int:
    old, new = load(Path(old_dir)), load(Path(new_dir))
    differences = 0
    if old.keys() != new.keys():
        print(f"recipients differ: {sorted(old)} vs {sorted(new)}")
        return 1
    for recipient, (old_headers, old_parts) in old.items():
        new_headers, new_parts = new[recipient]
        if old_headers != new_headers:
            differences += 1
            print(f"{recipient}: headers differ: {old_headers} vs {new_headers}")
        if [t for t, _ in old_parts] != [t for t, _ in new_parts]:
            differences += 1
            print(f"{recipient}: parts differ in type or number")
            continue
        for (kind, before), (_, after) in zip(old_parts, new_parts, strict=True):
            if mask(before) != mask(after):
                differences += 1
                print(f"{recipient}: {kind} differs")
                diff = difflib.unified_diff(mask(before).splitlines(), mask(after).splitlines(), lineterm="")
                print("\n".join(list(diff)[:20]))
    print(f"{len(old)} emails compared, {differences} differences")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))
