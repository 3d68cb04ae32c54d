"""The shipped model loads and classifies with the network unreachable (as on locked-down servers)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import json, socket

    def refuse(*args, **kwargs):
        raise OSError("network disabled by the offline test")

    # Every way out is closed before hierniet (or anything it loads) is imported.
    socket.socket.connect = refuse
    socket.socket.connect_ex = refuse
    socket.create_connection = refuse
    socket.getaddrinfo = refuse

    from hierniet.domain import Comment
    from hierniet.triage.pipeline import load_triage

    triage = load_triage()
    verdicts = triage.classify([
        Comment(id="1", text="Ik weet waar je woont, vuile makak"),
        Comment(id="2", text="Weeral vertraging op lijn 4, wanneer wordt dit opgelost?"),
    ])
    print(json.dumps([v.as_dict() for v in verdicts]))
    """
)


def test_shipped_model_works_without_network() -> None:
    env = {k: v for k, v in os.environ.items() if k != "HIERNIET_MODEL_DIR"}  # the shipped model, not a local one
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    first, second = json.loads(done.stdout.strip().splitlines()[-1])
    assert {"threat", "hate"} <= set(first["labels"])
    assert first["model"].startswith("hierniet-triage")
    assert not {"threat", "hate", "insult"} & set(second["labels"])
