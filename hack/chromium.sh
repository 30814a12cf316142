#!/usr/bin/env bash
# Installs Debian's chromium for the HTML report's browser test
# (render: TestHTMLInChromium) when it is missing. `make test` runs it before
# `go test`; CI runs `make test` on a fresh machine, as root, with Debian
# packages reachable. Without root and without sudo it says so and leaves the
# test to decide: it fails under CI=true and skips otherwise.
set -euo pipefail
bin=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$bin" ]; then
	exit 0
fi
sudo=""
if [ "$(id -u)" != 0 ]; then
	if ! command -v sudo >/dev/null; then
		echo "chromium.sh: $bin missing and not root (no sudo): the HTML browser test will skip, or fail under CI=true" >&2
		exit 0
	fi
	sudo="sudo -n"
fi
# A font, or the screenshots the test keeps show boxes for letters
# (chromium only recommends one).
pkgs=(chromium fonts-dejavu-core)
echo "chromium.sh: installing ${pkgs[*]} (Debian) for the HTML report test" >&2
export DEBIAN_FRONTEND=noninteractive
# A fresh machine's package lists may be missing or stale: update once when
# the first install fails.
$sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >&2 ||
	{ $sudo apt-get update >&2 && $sudo apt-get install -y --no-install-recommends "${pkgs[@]}" >&2; }
