#!/usr/bin/env bash
# Remove what install.sh put under ~/.local:
#   ~/.local/opt/chorale-studio/uninstall.sh           the app, the menu entry, icon, file type, link
#   ~/.local/opt/chorale-studio/uninstall.sh --purge   also the settings, autosaves and logs
# Folders it leaves empty go too; the desktop's file-type and menu caches are brought up to date
# (and removed when nothing else is registered in them).
set -euo pipefail
NAME=chorale-studio
DATA=${XDG_DATA_HOME:-$HOME/.local/share}
APP=$HOME/.local/opt/$NAME
MANIFEST=$APP/installed-files.txt
purge=0 quiet=0
for arg in "$@"; do
  case "$arg" in
    --purge) purge=1 ;;
    --quiet) quiet=1 ;;
    *) echo "usage: uninstall.sh [--purge]" >&2; exit 2 ;;
  esac
done

if [ ! -d "$APP" ]; then
  [ "$quiet" = 1 ] || echo "Chorale Studio is not installed in $APP."
  exit 0
fi

files=()
if [ -f "$MANIFEST" ]; then
  mapfile -t files <"$MANIFEST"
fi
# What install.sh writes, in case the list was lost.
files+=("$DATA/applications/$NAME.desktop" "$DATA/icons/hicolor/256x256/apps/$NAME.png"
        "$DATA/icons/hicolor/scalable/apps/$NAME.svg" "$DATA/mime/packages/$NAME.xml")
for f in "${files[@]}"; do
  [ -n "$f" ] && rm -f -- "$f"
done
# The command link, only while it still points at this app.
link=$HOME/.local/bin/$NAME
if [ -L "$link" ] && [ "$(readlink "$link")" = "$APP/$NAME" ]; then rm -f -- "$link"; fi
# The running script lives in $APP; bash has read it already.
rm -rf -- "$APP"

if [ "$purge" = 1 ]; then
  # QSettings (org and app name "Chorale Studio"), autosaves and logs.
  rm -rf -- "${XDG_CONFIG_HOME:-$HOME/.config}/Chorale Studio" "$DATA/Chorale Studio" \
            "${XDG_STATE_HOME:-$HOME/.local/state}/Chorale Studio" "${XDG_CACHE_HOME:-$HOME/.cache}/Chorale Studio"
fi

# Caches made from the registered files: rebuilt without ours, or removed when nothing is left.
if [ -d "$DATA/mime/packages" ] && [ -z "$(ls -A "$DATA/mime/packages")" ]; then
  rm -rf -- "$DATA/mime"  # only update-mime-database's output is left: it describes no package
elif [ -d "$DATA/mime" ] && command -v update-mime-database >/dev/null; then
  update-mime-database "$DATA/mime" >/dev/null 2>&1 || true
fi
if [ -d "$DATA/applications" ]; then
  if [ -z "$(find "$DATA/applications" -name '*.desktop' -print -quit)" ]; then
    rm -f -- "$DATA/applications/mimeinfo.cache"
  elif command -v update-desktop-database >/dev/null; then
    update-desktop-database "$DATA/applications" >/dev/null 2>&1 || true
  fi
fi

# Folders left empty, up to (not including) the home folder.
prune() {
  local dir=$1
  while [ "$dir" != "$HOME" ] && [ "$dir" != / ]; do
    if [ -d "$dir" ]; then
      [ -z "$(ls -A "$dir")" ] || break
      rmdir -- "$dir"
    fi
    dir=$(dirname "$dir")
  done
}
for dir in "$DATA/icons/hicolor/256x256/apps" "$DATA/icons/hicolor/scalable/apps" "$DATA/applications" \
           "$DATA/mime/packages" "$HOME/.local/bin" "$HOME/.local/opt"; do
  prune "$dir"
done
[ "$quiet" = 1 ] || echo "Chorale Studio is removed."
