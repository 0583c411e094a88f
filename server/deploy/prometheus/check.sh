#!/usr/bin/env bash
# Checks the example alert rules: syntax (`promtool check rules`) and behaviour (`promtool test
# rules alerts.test.yml`: each alert fires on the series it is for, and not on healthy ones).
# promtool comes from Debian's `prometheus` package, installed when missing (needs root or sudo).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v promtool >/dev/null 2>&1; then
  SUDO=()
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || { echo "check.sh: need root (or sudo) to install promtool" >&2; exit 1; }
    SUDO=(sudo)
  fi
  echo "check.sh: installing promtool (Debian's prometheus package)" >&2
  install() { "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends prometheus; }
  if ! install >/dev/null; then
    echo "check.sh: first install failed; running apt-get update and trying again" >&2
    "${SUDO[@]}" apt-get update >/dev/null
    install >/dev/null
  fi
  # The package enables a Prometheus service; nothing here needs it running.
  "${SUDO[@]}" pkill -x prometheus 2>/dev/null || true
fi

cd "$here"
promtool check rules alerts.yml
promtool test rules alerts.test.yml
