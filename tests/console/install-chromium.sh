#!/usr/bin/env bash
# Installs what the console's browser tests need from Debian's packages: Chromium (/usr/bin/chromium)
# and a CJK font, so screenshots show the Chinese UI instead of boxes. Idempotent: when both are
# there it does nothing. `apt-get update` runs only when a first install attempt fails (stale or
# missing package lists). Fails loudly when either cannot be installed. Needs root (or sudo).
set -euo pipefail

PACKAGES=(chromium fonts-wqy-microhei)
FONT_FILE=/usr/share/fonts/truetype/wqy/wqy-microhei.ttc

missing() {
  local wanted=()
  [[ -x /usr/bin/chromium ]] || wanted+=(chromium)
  [[ -f "$FONT_FILE" ]] || wanted+=(fonts-wqy-microhei)
  echo "${wanted[@]:-}"
}

todo=$(missing)
if [[ -z "$todo" ]]; then
  exit 0
fi

SUDO=()
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-chromium.sh: need root (or sudo) to install: $todo" >&2
    exit 1
  fi
fi

export DEBIAN_FRONTEND=noninteractive
install() {
  "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${PACKAGES[@]}"
}

echo "install-chromium.sh: installing $todo from Debian's packages" >&2
if ! install; then
  echo "install-chromium.sh: first install failed; running apt-get update and trying again" >&2
  "${SUDO[@]}" apt-get update
  install
fi

still=$(missing)
if [[ -n "$still" ]]; then
  echo "install-chromium.sh: still missing after apt-get install: $still" >&2
  exit 1
fi
/usr/bin/chromium --version >&2
