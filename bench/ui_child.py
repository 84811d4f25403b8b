"""The measured process for bench.ui: starts the real window on a profile and reports timings.

Prints lines "list-ready <seconds since the process started>" and, after the searches,
one JSON line with the search latencies and peak memory.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

QUERIES = ("電", "電話", "電話で", "や", "やま", "やまだ", "体", "体調", "体調に", "手", "手紙", "手紙を", "通",
           "通院", "通院に", "み", "みそ", "みその", "ゲ", "ゲー", "ゲーム", "家賃", "家賃の", "ハロ", "ハロー",
           "ハローワーク", "サロ", "サロン", "民生", "民生委員")


def main(folder: str, passphrase: str, searches: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app import profiles
    from ui.desktop import fonts, runner
    from ui.desktop.app import make_application
    from ui.desktop.main_window import MainWindow

    app = make_application()
    fonts.apply(app)
    session = profiles.unlock(folder, passphrase)
    window = MainWindow(session)
    window.show()
    page = window.list_page
    while page.model.rowCount() == 0:
        runner.wait_idle(50)
        app.processEvents()
    app.processEvents()
    print(f"list-ready {time.time() - STARTED:.4f} rows={len(page.model.rows)}", flush=True)

    latencies = []
    for n in range(searches):
        query = QUERIES[n % len(QUERIES)]
        page.search.blockSignals(True)
        page.search.setText(query)
        page.search.blockSignals(False)
        started = time.perf_counter()
        page._run_search()  # what the debounce timer calls
        while page.shown_search_generation != page._search_generation:
            runner.wait_idle(5)
            app.processEvents()
        latencies.append((time.perf_counter() - started) * 1000)
    opened = []
    for row in page.model.rows[:20]:
        started = time.perf_counter()
        window.view_page.load(row.id)
        while window.view_page.household_id != row.id:
            runner.wait_idle(5)
            app.processEvents()
        opened.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"search_ms": latencies, "open_household_ms": opened, "peak_rss_mb": peak}), flush=True)
    window.idle.set_locked(True)
    runner.wait_idle()
    session.close()
    # PySide6 can crash while the interpreter tears down Qt objects; the work is done.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
