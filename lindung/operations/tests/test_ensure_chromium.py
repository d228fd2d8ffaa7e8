"""`make test` on a fresh machine: scripts/ensure-chromium.sh installs Debian's chromium
when it may (root, or sudo without a password), after apt-get update, and otherwise stops
with the one command to run. Run against fake id/sudo/apt-get on PATH and a copy of the
script whose Chromium path is a temporary file, so nothing is installed for real."""

import os
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "ensure-chromium.sh"


@pytest.fixture
def machine(tmp_path):
    """A fresh machine: no Chromium; `id -u`, sudo and apt-get are fakes that log calls."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    chromium = tmp_path / "chromium"
    calls = tmp_path / "calls"
    script = tmp_path / "ensure-chromium.sh"
    script.write_text(SCRIPT.read_text().replace("/usr/bin/chromium", str(chromium)))

    def fake(name: str, body: str) -> None:
        path = bin_dir / name
        path.write_text(f"#!/bin/sh\n{body}\n")
        path.chmod(0o755)

    # Only the fakes and the few real tools the script needs are on PATH: a real sudo or
    # apt-get on the test machine is never reached.
    for tool in ("env", "chmod", "true"):
        (bin_dir / tool).symlink_to(next(p for p in (Path("/usr/bin") / tool, Path("/bin") / tool) if p.exists()))
    # apt-get "installs" chromium by creating the file.
    fake(
        "apt-get",
        f'echo "apt-get $*" >> {calls}\n'
        f'case "$*" in *install*chromium*) printf "#!/bin/sh\\n" > {chromium}; chmod 755 {chromium};; esac',
    )

    def run(uid: int, sudo: str | None) -> subprocess.CompletedProcess[str]:
        fake("id", f"echo {uid}")
        if sudo == "allowed":
            fake("sudo", f'echo "sudo $*" >> {calls}\n[ "$1" = -n ] && shift\nexec "$@"')
        elif sudo == "asks for a password":
            fake("sudo", f'echo "sudo $*" >> {calls}\nexit 1')
        env = {k: v for k, v in os.environ.items() if k != "LINDUNG_CHROMIUM"}
        env["PATH"] = str(bin_dir)
        # Our own script copy, a fixed argument list: no untrusted input.
        return subprocess.run(  # noqa: S603
            ["/bin/sh", str(script)], capture_output=True, text=True, env=env, check=False
        )

    def log() -> list[str]:
        return calls.read_text().splitlines() if calls.exists() else []

    return run, log, chromium


def test_root_installs_chromium_after_updating_the_package_lists(machine):
    run, log, chromium = machine
    result = run(0, None)
    assert result.returncode == 0, result.stderr
    assert log() == ["apt-get update -qq", "apt-get install -y -qq chromium"]
    assert chromium.exists()
    assert run(0, None).returncode == 0 and len(log()) == 2  # installed once, not again


def test_a_user_with_passwordless_sudo_installs_through_sudo(machine):
    run, log, chromium = machine
    result = run(1000, "allowed")
    assert result.returncode == 0, result.stderr
    assert chromium.exists()
    assert [line for line in log() if line.startswith("apt-get")] == [
        "apt-get update -qq",
        "apt-get install -y -qq chromium",
    ]
    assert any(line.startswith("sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update") for line in log())


def test_a_user_who_may_not_install_is_told_the_one_command(machine):
    run, log, chromium = machine
    result = run(1000, "asks for a password")
    assert result.returncode == 1
    assert "sudo sh -c 'apt-get update && apt-get install -y chromium'" in result.stderr
    assert not [line for line in log() if line.startswith("apt-get")]
    assert not chromium.exists()


def test_a_user_without_sudo_is_told_the_one_command(machine):
    run, log, chromium = machine
    result = run(1000, None)  # no sudo at all
    assert result.returncode == 1
    assert "apt-get install -y chromium" in result.stderr
    assert not [line for line in log() if line.startswith("apt-get")]
    assert not chromium.exists()
