#!/usr/bin/env bash
# Installs every Debian package the build, the tests and the benchmarks need; silent when all are present.
set -euo pipefail
# Extra package names as arguments (scripts/fuzz.sh adds clang and its libFuzzer runtime).
packages=(g++ cmake make ccache git curl libcaf-dev rapidjson-dev libspdlog-dev libboost-dev
          libssl-dev libhiredis-dev redis-server nodejs npm prometheus-cpp-dev
          libjwt-dev pkg-config libcairo2-dev chromium "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# A machine may have node/npm from outside Debian; then the Debian packages are not needed.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]:-}"
[ "${#missing[@]}" -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}" >&2
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
