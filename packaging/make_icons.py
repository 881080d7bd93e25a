"""Make the Windows and macOS icons from resources/icons/chorale-studio.svg.

    python packaging/make_icons.py          # writes chorale-studio.ico and chorale-studio.icns

The SVG is drawn at each size with Qt's SVG renderer (sharp at 1024 px, where
scaling up the 256 px PNG would blur) and Pillow writes the containers.  The
outputs are small and committed, so a build machine needs neither Qt's SVG
module nor Pillow; run this again after changing the SVG
(tests/test_packaging.py checks the files are there and hold the sizes).
"""
from __future__ import annotations

import io
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)


def render(svg: Path, size: int):
    """The SVG drawn on a transparent ``size``×``size`` square, as a Pillow image."""
    from PIL import Image
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    QGuiApplication.instance() or QGuiApplication(["make_icons", "-platform", "offscreen"])
    image = QImage(size, size, QImage.Format_ARGB32)
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(data))).convert("RGBA")


def main() -> int:
    svg = ICONS / "chorale-studio.svg"
    big = render(svg, 1024)
    images = {size: render(svg, size) for size in sorted(set(ICO_SIZES) | set(ICNS_SIZES))}
    big.save(ICONS / "chorale-studio.icns", format="ICNS",
             append_images=[images[s] for s in ICNS_SIZES if s != 1024])
    images[256].save(ICONS / "chorale-studio.ico", format="ICO", sizes=[(s, s) for s in ICO_SIZES],
                     append_images=[images[s] for s in ICO_SIZES if s != 256])
    for name in ("chorale-studio.icns", "chorale-studio.ico"):
        print(f"{ICONS / name}: {(ICONS / name).stat().st_size} B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
