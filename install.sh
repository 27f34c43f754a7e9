#!/bin/sh
# Install the ouroboros binary for this machine, without root:
#
#   curl -fsSL https://github.com/Q00/ouroboros/releases/latest/download/install.sh | sh
#
# Downloads ouroboros-<os>-<arch> and SHA256SUMS from OUROBOROS_DOWNLOAD_URL, checks the checksum and
# puts the binary at $OUROBOROS_INSTALL_DIR/ouroboros (default ~/.local/bin). Any failure (download,
# checksum, unwritable directory) exits non-zero and leaves the install directory as it was.
# POSIX sh: runs under dash, busybox ash and bash.
set -eu

url="${OUROBOROS_DOWNLOAD_URL:-https://github.com/Q00/ouroboros/releases/latest/download}"
url="${url%/}"
dir="${OUROBOROS_INSTALL_DIR:-${HOME:?HOME is not set}/.local/bin}"

say() { printf 'ouroboros install: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

detect_platform() {
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
    *) die "unsupported operating system '$(uname -s)' (releases exist for Linux, macOS and Windows)" ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=x64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) die "unsupported architecture '$(uname -m)' (releases exist for x64 and arm64)" ;;
  esac
  # A shell under Rosetta reports x86_64 on Apple silicon: take the native binary.
  if [ "$os-$arch" = darwin-x64 ] && [ "$(sysctl -n sysctl.proc_translated 2>/dev/null || echo 0)" = 1 ]; then
    arch=arm64
  fi
  exe=ouroboros
  [ "$os" = windows ] && exe=ouroboros.exe
  artifact="ouroboros-$os-$arch"
  [ "$os" = windows ] && artifact="$artifact.exe"
  return 0
}

# download URL FILE: curl or wget, failing on HTTP errors.
download() {
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 2 --output "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    die "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d' ' -f1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d' ' -f1
  elif command -v openssl >/dev/null 2>&1; then
    openssl dgst -sha256 -r "$1" | cut -d' ' -f1
  else
    die "no SHA-256 tool found (sha256sum, shasum or openssl)"
  fi
}

detect_platform
tmp="$(mktemp -d 2>/dev/null || mktemp -d -t ouroboros)"
staged=""
cleanup() {
  rm -rf "$tmp"
  [ -z "$staged" ] || rm -f "$staged"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say "downloading $artifact from $url"
download "$url/$artifact" "$tmp/$artifact" || die "could not download $url/$artifact"
download "$url/SHA256SUMS" "$tmp/SHA256SUMS" || die "could not download $url/SHA256SUMS"

expected="$(awk -v f="$artifact" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/SHA256SUMS")"
[ -n "$expected" ] || die "SHA256SUMS has no entry for $artifact"
actual="$(sha256 "$tmp/$artifact")"
[ "$expected" = "$actual" ] || die "checksum mismatch for $artifact (expected $expected, got $actual); nothing installed"

mkdir -p "$dir" 2>/dev/null || die "cannot create $dir (set OUROBOROS_INSTALL_DIR to a directory you own)"
target="$dir/$exe"
previous=""
[ -x "$target" ] && previous="$("$target" --version 2>/dev/null | head -n 1 || true)"

# Stage next to the target, then rename: the old binary is replaced in one step, even while it runs.
staged="$dir/.$exe.install.$$"
if ! { cp "$tmp/$artifact" "$staged" && chmod 755 "$staged"; } 2>/dev/null; then
  die "cannot write to $dir (set OUROBOROS_INSTALL_DIR to a directory you own; no root needed)"
fi
mv -f "$staged" "$target" || die "cannot replace $target"
staged=""

installed="$("$target" --version 2>/dev/null | head -n 1 || true)"
if [ -n "$previous" ] && [ "$previous" != "$installed" ]; then
  say "replaced $previous"
fi
say "installed ${installed:-$artifact} at $target"

case ":${PATH:-}:" in
  *":$dir:"*) ;;
  *) say "$dir is not on your PATH; add it, e.g.: echo 'export PATH=\"$dir:\$PATH\"' >> ~/.profile" ;;
esac
