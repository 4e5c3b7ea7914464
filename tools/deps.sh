#!/bin/sh
# Install what pith needs to build and test on Debian/Ubuntu (run as root).
set -e
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  build-essential meson ninja-build pkg-config python3 \
  libgumbo-dev libutf8proc-dev libuchardet-dev zlib1g-dev \
  python3-distributed >/dev/null
