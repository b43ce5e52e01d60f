"""The last customer and the window layout come back after a restart: two real
processes, each with its own string hashing salt, one journal and one LATELY_HOME."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from journal.writes import customers
from journal.storage import db

DRIVER = Path(__file__).with_name("restart_driver.py")


def run_driver(home: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}  # each process salts its own hashes
    env.update(LATELY_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, str(DRIVER), *args], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_last_customer_and_layout_come_back_in_a_new_process(tmp_path, lately_home):
    path = tmp_path / "journal.sqlite3"
    db.connect(path)
    for name in ("Ada Lovelace", "Bob Builder", "Grace Hopper", "Linus Pauling"):
        customers.create_customer(name=name)
    db.close()

    run_driver(lately_home, "choose", str(path), "Grace")
    first = json.loads(run_driver(lately_home, "report", str(path)).strip().splitlines()[-1])
    assert first["customer"] == "Grace Hopper"
    assert first["selected_rows"] == 1
    assert first["lately_visible"] is False
    assert first["splitter"][0] < first["splitter"][1]
    assert first["size"] == [760, 520]
    second = json.loads(run_driver(lately_home, "report", str(path)).strip().splitlines()[-1])
    assert second == first  # and again, from a third process
