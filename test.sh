#!/usr/bin/env bash
# The test command: installs the interop peers the tests call when they are missing, then runs
# every test project. Arguments are passed to `dotnet test` (for example --filter).
#
#   ./test.sh
#
# Peers: openssl (openssl cms), python3 (the email package), NSS cmsutil/certutil/pk12util
# (Debian: libnss3-tools). Installing needs root or sudo and a Debian-like system; where that
# is not possible the tests still run, and each test that needs a missing peer fails with a
# message naming the package to install.
set -euo pipefail
cd "$(dirname "$0")"

missing=()
command -v cmsutil >/dev/null 2>&1 && command -v certutil >/dev/null 2>&1 && command -v pk12util >/dev/null 2>&1 || missing+=(libnss3-tools)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
command -v python3 >/dev/null 2>&1 || missing+=(python3)

if ((${#missing[@]})); then
  sudo=()
  if [[ $(id -u) -ne 0 ]] && command -v sudo >/dev/null 2>&1; then sudo=(sudo -n); fi
  if command -v apt-get >/dev/null 2>&1 && { [[ $(id -u) -eq 0 ]] || ((${#sudo[@]})); }; then
    echo "test.sh: installing ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq || true
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null ||
      echo "test.sh: could not install ${missing[*]}; the tests that need them will fail and name the package" >&2
  else
    echo "test.sh: missing ${missing[*]} and cannot install them here (needs apt-get and root);" \
      "the tests that need them will fail and name the package" >&2
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
dotnet test SmimeGraph.sln -c Release "$@"

# The base64 decoder and the signed-content line-end search have 512-bit vector paths beside
# narrower ones; the run above takes whichever this CPU supports, so their tests run once more
# with 512-bit vectors turned off.
if (($# == 0)); then
  DOTNET_EnableAVX512=0 dotnet test tests/SmimeGraph.Tests -c Release --no-build --filter 'FullyQualifiedName~Base64|FullyQualifiedName~DigestingReadStream'
fi
