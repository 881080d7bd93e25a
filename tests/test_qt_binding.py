"""The Qt binding must not leak references to None: PySide6 6.12 on Python 3.11 drops one per
void call and brings the whole app down after a few thousand repaints."""
import sys

from PySide6.QtCore import QCoreApplication, QTimer


def test_ten_thousand_void_qt_calls_leave_none_alone():
    app = QCoreApplication.instance() or QCoreApplication([])
    timer = QTimer()
    before = sys.getrefcount(None)
    for _ in range(10_000):
        timer.setInterval(5)
    assert abs(sys.getrefcount(None) - before) < 100
    assert app is not None
