#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Makes sure the Debian 12 packages Caretrail needs are installed.
#   build-aux/deps.sh run    what building and running the app needs
#   build-aux/deps.sh test   that, plus what the test suite needs
# As root it installs what is missing; otherwise it prints the exact command
# to run and exits with status 1.
set -eu

build_packages="build-essential pkg-config meson ninja-build gettext
  libglib2.0-dev libglib2.0-bin libgtk-4-dev libadwaita-1-dev blueprint-compiler
  libsqlite3-dev libsodium-dev libsecret-1-dev libcairo2-dev libpango1.0-dev
  libpoppler-glib-dev libpq-dev desktop-file-utils appstream adwaita-icon-theme
  fonts-dejavu-core fonts-noto-core gnome-keyring dbus itstool"
test_packages="xvfb xauth dbus-x11 at-spi2-core python3-gi python3-pyatspi
  gir1.2-atspi-2.0 gir1.2-secret-1 poppler-utils qpdf sqlite3 flatpak-builder
  x11-apps x11-utils clang-14 libclang-rt-14-dev time yelp-tools postgresql-15"

case "${1:-run}" in
  run) wanted=$build_packages ;;
  test) wanted="$build_packages $test_packages" ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

missing=""
for p in $wanted; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  # shellcheck disable=SC2086
  apt-get install -y -q --no-install-recommends $missing
else
  echo "Caretrail needs these Debian packages. Install them, then run this again:" >&2
  echo >&2
  echo "  sudo apt-get install --no-install-recommends$missing" >&2
  exit 1
fi
