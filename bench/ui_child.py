"""The measured process for bench.ui: the real `yorisoi --profile DIR` entry point (ui.main:main,
what the console script calls), with the passphrase typed into the real unlock dialog.

Two hooks, and nothing else changed: when the unlock dialog runs, the passphrase is typed into
it key by key and 開く pressed; when the main window shows, the measurements start once the
household list has rows. Prints "list-ready <seconds since the process started>" and, after
the searches, one JSON line with the latencies and peak memory.
"""

from __future__ import annotations

import time

STARTED = time.time()

import json  # noqa: E402
import os  # noqa: E402
import resource  # noqa: E402
import sys  # noqa: E402

TYPING_GAP_MS = 60  # a fast typist; slower typing leaves every search time to finish before the next key
QUERIES = ("電", "電話", "電話で", "や", "やま", "やまだ", "体", "体調", "体調に", "手", "手紙", "手紙を", "通",
           "通院", "通院に", "み", "みそ", "みその", "ゲ", "ゲー", "ゲーム", "家賃", "家賃の", "ハロ", "ハロー",
           "ハローワーク", "サロ", "サロン", "民生", "民生委員")


def main(folder: str, passphrase: str, searches: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication

    from ui.desktop import main_window, unlock

    real_exec, real_show = unlock.UnlockDialog.exec, main_window.MainWindow.show

    def exec_and_type(dialog):
        def type_passphrase():
            for ch in passphrase:
                QApplication.sendEvent(dialog.passphrase,
                                       QKeyEvent(QEvent.Type.KeyPress, 0, Qt.KeyboardModifier.NoModifier, ch))
            dialog.ok.click()

        QTimer.singleShot(0, type_passphrase)
        return real_exec(dialog)

    def show_and_measure(window):
        real_show(window)
        QTimer.singleShot(0, lambda: measure(window, searches))

    unlock.UnlockDialog.exec = exec_and_type
    main_window.MainWindow.show = show_and_measure
    from ui.main import main as yorisoi

    sys.argv = ["yorisoi", "--profile", folder]
    yorisoi()


def measure(window, searches: int) -> None:
    from PySide6.QtWidgets import QApplication

    from ui.desktop import runner

    app = QApplication.instance()
    page = window.list_page

    def until(done) -> None:
        while not done():
            runner.wait_idle(5)
            app.processEvents()

    def pump(ms: float) -> None:
        end = time.perf_counter() + ms / 1000
        while time.perf_counter() < end:
            app.processEvents()
            time.sleep(0.002)

    until(lambda: page.model.rowCount() > 0)
    app.processEvents()
    print(f"list-ready {time.time() - STARTED:.4f} rows={len(page.model.rows)}", flush=True)
    until(lambda: page.complete)  # the whole list behind the first screen
    print(f"list-complete {time.time() - STARTED:.4f} rows={len(page.model.rows)}", flush=True)

    # Typing: each query typed a character at a time from an empty box, TYPING_GAP_MS between
    # keys while the event loop runs (searches start and finish as they would while a person
    # types); measured from the last key to the results of the whole query on screen.
    keystroke = []
    for n in range(searches):
        query = QUERIES[n % len(QUERIES)]
        page.search.clear()
        until(lambda: page.shown_search_generation == page._search_generation)
        for i in range(1, len(query)):
            page.search.setText(query[:i])
            pump(TYPING_GAP_MS)
        started = time.perf_counter()
        page.search.setText(query)
        until(lambda: page.shown_search_generation == page._search_generation)
        keystroke.append((time.perf_counter() - started) * 1000)
    # One search alone, nothing running before it: what the search itself costs.
    latencies = []
    for n in range(searches):
        page.search.blockSignals(True)
        page.search.setText(QUERIES[n % len(QUERIES)])
        page.search.blockSignals(False)
        started = time.perf_counter()
        page.search_now()
        until(lambda: page.shown_search_generation == page._search_generation)
        latencies.append((time.perf_counter() - started) * 1000)
    opened = []
    for row in page.model.rows[:20]:
        started = time.perf_counter()
        window.view_page.load(row.id)
        until(lambda row=row: window.view_page.household_id == row.id)
        opened.append((time.perf_counter() - started) * 1000)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"search_ms": latencies, "keystroke_ms": keystroke, "open_household_ms": opened,
                      "peak_rss_mb": peak}), flush=True)
    window.idle.set_locked(True)
    runner.wait_idle()
    window.session.close()
    # PySide6 can crash while the interpreter tears down Qt objects; the work is done.
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]))
