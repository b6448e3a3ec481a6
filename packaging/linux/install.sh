#!/bin/sh
# Install this Homeward folder (the frozen build: it needs no Python) with a menu entry.
#   ./install.sh              as root: /opt/homeward, /usr/local/bin, /usr/local/share
#                             as a user: ~/.local/opt/homeward, ~/.local/bin, ~/.local/share
#   ./install.sh --uninstall  removes the program, never the data folder (cases stay).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ "$(id -u)" -eq 0 ]; then
  target=/opt/homeward bin=/usr/local/bin share=/usr/local/share
else
  target="$HOME/.local/opt/homeward" bin="$HOME/.local/bin" share="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
sizes="16 24 32 48 64 128 256 512"

refresh() {  # menus and icon caches pick the change up (where these tools exist)
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$share/icons/hicolor" || true
}

if [ "${1:-}" = "--uninstall" ]; then
  rm -f "$bin/homeward" "$share/applications/homeward.desktop" "$share/icons/hicolor/scalable/apps/homeward.svg"
  for size in $sizes; do rm -f "$share/icons/hicolor/${size}x${size}/apps/homeward.png"; done
  rm -rf "$target"
  refresh
  echo "Homeward removed from $target (the data folder is kept)."
  exit 0
fi

[ -x "$here/homeward" ] || { echo "install.sh: run it from the homeward folder" >&2; exit 1; }
if [ "$here" != "$target" ]; then
  rm -rf "$target.new"
  mkdir -p "$(dirname "$target")"
  cp -a "$here" "$target.new"
  rm -rf "$target"
  mv "$target.new" "$target"
fi
mkdir -p "$bin" "$share/applications" "$share/icons/hicolor/scalable/apps"
ln -sf "$target/homeward" "$bin/homeward"
sed -e "s|^Exec=.*|Exec=\"$target/homeward\"|" -e "s|^TryExec=.*|TryExec=$target/homeward|" \
  "$here/share/applications/homeward.desktop" > "$share/applications/homeward.desktop"
cp "$here/share/icons/hicolor/scalable/apps/homeward.svg" "$share/icons/hicolor/scalable/apps/"
for size in $sizes; do
  mkdir -p "$share/icons/hicolor/${size}x${size}/apps"
  cp "$here/share/icons/hicolor/${size}x${size}/apps/homeward.png" "$share/icons/hicolor/${size}x${size}/apps/"
done
refresh
echo "Homeward installed in $target; start it from the menu, or run: $bin/homeward"
