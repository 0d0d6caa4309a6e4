"""scripts/ensure_services.sh waits while apt is busy instead of failing at once ("Could not get lock")."""

import os
import stat
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "ensure_services.sh"


def fake_apt_get(tmp_path: Path, busy_times: int, message: str) -> Path:
    """An apt-get that reports a held lock `busy_times` times, then succeeds; it counts its calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "apt-get"
    script.write_text(
        "#!/usr/bin/env bash\n"
        f'n=$(( $(cat "{tmp_path}/calls" 2>/dev/null || echo 0) + 1 )); echo $n > "{tmp_path}/calls"\n'
        f'if [ "$n" -le {busy_times} ]; then echo "{message}" >&2; exit 100; fi\n'
        'echo "installed $*"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return bin_dir


def run(tmp_path: Path, bin_dir: Path, wait_seconds: int = 10) -> subprocess.CompletedProcess:
    env = os.environ | {
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "APT_LOCK_RETRY_SECONDS": "0",
        "APT_LOCK_WAIT_SECONDS": str(wait_seconds),
    }
    if os.getuid() != 0:  # sudo would bypass the fake; the function uses sudo only when not root
        (bin_dir / "sudo").write_text('#!/usr/bin/env bash\nexec "$@"\n')
        (bin_dir / "sudo").chmod(0o755)
    return subprocess.run(
        ["bash", str(SCRIPT), "--apt-get", "install", "-y", "chromium"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_apt_get_waits_for_a_held_lock_then_installs(tmp_path):
    message = "E: Could not get lock /var/lib/dpkg/lock-frontend. It is held by process 1234 (apt-get)"
    result = run(tmp_path, fake_apt_get(tmp_path, busy_times=3, message=message))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "calls").read_text().strip() == "4"
    assert "apt is busy" in result.stderr


def test_apt_get_gives_up_after_the_wait_and_says_why(tmp_path):
    message = "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 1234 (apt-get)"
    result = run(tmp_path, fake_apt_get(tmp_path, busy_times=1000, message=message), wait_seconds=0)
    assert result.returncode == 100 and "Could not get lock" in result.stderr


def test_any_other_apt_error_fails_at_once(tmp_path):
    result = run(tmp_path, fake_apt_get(tmp_path, busy_times=1000, message="E: Unable to locate package chromium"))
    assert result.returncode == 100 and (tmp_path / "calls").read_text().strip() == "1"
