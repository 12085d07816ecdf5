"""annotator bench: the run's CPU time is counted from the start of the clock, split by process."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from annotator.services.bench import Timing, iter_lines, process_cpu_seconds


def test_cpu_seconds_of_live_processes_from_proc() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time\nt = time.process_time()\n"
                              "while time.process_time() - t < 0.3: pass\ntime.sleep(30)"])
    try:
        time.sleep(1.0)
        used = process_cpu_seconds([child.pid])
        assert used is not None and 0.2 <= used <= 1.2
        both = process_cpu_seconds([child.pid, os.getpid()])
        assert both is not None and both >= used
    finally:
        child.kill()
        child.wait()
    assert process_cpu_seconds([child.pid]) is None  # gone: not readable


def test_report_shows_the_split() -> None:
    timing = Timing(10.0, 12.0, 5, 1000, 3.0, main_cpu_seconds=2.0, worker_cpu_seconds=10.0)
    assert timing.as_dict()["main_cpu_seconds"] == 2.0 and timing.as_dict()["worker_cpu_seconds"] == 10.0
    assert "main_cpu_seconds" not in Timing(10.0, 12.0, 5, 1000).as_dict()
    report = {"articles": 5, "words": 1000, "setup": "s", "mode": "filter", "load_before": (1.0, 1.0, 1.0),
              "load_after": (1.0, 1.0, 1.0), "plain": {**Timing(40.0, 48.0, 5, 1000).as_dict()},
              "run": {**timing.as_dict(), "units": {}}, "speedup": 4.0, "cpu_speedup": 4.0,
              "memory": {"this_process_mb": 1.0, "largest_worker_mb": 1.0}, "database_bytes": 0}
    lines = list(iter_lines(report))
    assert any("main process 2.0, parsing processes 10.0" in line for line in lines)
    assert any("CPU seconds, plain / run: 4.0x" in line for line in lines)
