#!/usr/bin/env bash
# Every test of convscope: CTest (C++ kernels) and JUnit (Java), through one Maven build; then, against the
# core jar that build installs into the local Maven repository, the embedding example (examples/: the Java API
# used as an application would) and the convscope-spark project's tests (Spark local mode and a standalone
# cluster on 127.0.0.1).
# Installs what a fresh Debian machine lacks first: Python's torch/torchvision to generate the test models,
# Debian's libtorch-dev, which the C++ side links and the fresh-cache regression test needs present, and
# chromium (with a font), in which the report's browser test opens the demo's page: that test fails, rather
# than skips, where Chromium is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

packages=(python3-torch python3-torchvision python3-numpy libtorch-dev chromium fonts-dejavu-core cmake g++ maven openjdk-17-jdk-headless)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

cd "$root"
# install = verify (CTest and JUnit), then the artifact goes to the local repository, where the other projects
# find it.
mvn -B install "$@"
mvn -B -f examples/pom.xml verify
exec mvn -B -f spark/pom.xml verify "$@"
