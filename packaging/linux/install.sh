#!/usr/bin/env bash
# Install Chorale Studio for this user, from the unpacked release archive:
#   ./install.sh
# Puts the app in ~/.local/opt/chorale-studio, a link in ~/.local/bin, a menu entry that opens
# .chorale, .mid and .musicxml files, the icon, and the .chorale file type under ~/.local/share.
# No root needed; ~/.local/opt/chorale-studio/uninstall.sh (or ./uninstall.sh) removes it all.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
NAME=chorale-studio
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APP=$HOME/.local/opt/$NAME
BIN=$HOME/.local/bin
MANIFEST=$APP/installed-files.txt

if [ ! -x "$HERE/$NAME/$NAME" ]; then
  echo "install.sh: $HERE/$NAME/$NAME is missing; run install.sh from the unpacked archive" >&2
  exit 1
fi

# An earlier version is replaced: remove what it installed first.
if [ -x "$APP/uninstall.sh" ]; then
  "$APP/uninstall.sh" --quiet
fi

mkdir -p "$HOME/.local/opt"
rm -rf "$APP.new"
cp -a "$HERE/$NAME" "$APP.new"
cp "$HERE/uninstall.sh" "$APP.new/uninstall.sh"
chmod +x "$APP.new/uninstall.sh"
mv "$APP.new" "$APP"

installed=()
put() {  # put SOURCE DEST: copy one file, remember it for uninstall.sh
  mkdir -p "$(dirname "$2")"
  cp "$1" "$2"
  chmod 644 "$2"
  installed+=("$2")
}

# The menu entry starts the installed executable by its full path (~/.local/bin may not be on the
# desktop session's PATH).
desktop=$(mktemp)
sed -e "s|^Exec=.*|Exec=\"$APP/$NAME\" %f|" "$HERE/$NAME.desktop" >"$desktop"
put "$desktop" "$DATA/applications/$NAME.desktop"
rm -f "$desktop"
put "$HERE/$NAME.png" "$DATA/icons/hicolor/256x256/apps/$NAME.png"
put "$HERE/$NAME.svg" "$DATA/icons/hicolor/scalable/apps/$NAME.svg"
put "$HERE/$NAME-mime.xml" "$DATA/mime/packages/$NAME.xml"

mkdir -p "$BIN"
if [ -e "$BIN/$NAME" ] && [ ! -L "$BIN/$NAME" ]; then
  echo "note: $BIN/$NAME exists and is not ours (a pip install?); left as it is" >&2
else
  ln -sfn "$APP/$NAME" "$BIN/$NAME"
  installed+=("$BIN/$NAME")
fi
printf '%s\n' "${installed[@]}" >"$MANIFEST"

# Let the desktop know about the new file type and the entry (each tool is optional).
if command -v update-mime-database >/dev/null; then update-mime-database "$DATA/mime" >/dev/null 2>&1 || true; fi
if command -v update-desktop-database >/dev/null; then update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true; fi
if command -v gtk-update-icon-cache >/dev/null && [ -f "$DATA/icons/hicolor/index.theme" ]; then
  gtk-update-icon-cache -q "$DATA/icons/hicolor" 2>/dev/null || true
fi

echo "Chorale Studio is installed in $APP."
echo "Start it from the applications menu (Chorale Studio), or run: $BIN/$NAME"
case ":$PATH:" in *":$BIN:"*) ;; *) echo "($BIN is not on your PATH; the menu entry works regardless.)" ;; esac
echo "To remove it: $APP/uninstall.sh"
