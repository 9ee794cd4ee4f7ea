#!/usr/bin/env bash
# Print the path of a working Python >= 3.12, found by *running* candidates.
# Order: $PYTHON, python3.13, python3.12, python3, then every pyenv version (newest first).
# Exits 1 with advice when none works.
set -u

works() {  # works CMD...: true when CMD runs and is Python >= 3.12 with venv
  "$@" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1
}

try() {
  if works "$@"; then
    "$@" -c 'import sys; print(sys.executable)'
    exit 0
  fi
}

[ -n "${PYTHON:-}" ] && try "$PYTHON"
for name in python3.13 python3.12 python3; do
  command -v "$name" >/dev/null 2>&1 && try "$name"
done
root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then root="$(pyenv root 2>/dev/null || echo "$root")"; fi
if [ -d "$root/versions" ]; then
  for dir in $(ls -1 "$root/versions" | sort -t. -k1,1nr -k2,2nr -k3,3nr); do
    [ -x "$root/versions/$dir/bin/python" ] && try "$root/versions/$dir/bin/python"
  done
fi
for exe in /usr/local/bin/python3.1[2-9] /usr/bin/python3.1[2-9]; do
  [ -x "$exe" ] && try "$exe"
done

cat >&2 <<'MSG'
cocreate needs Python 3.12 or newer (Mesa 3.5 requires it), and none was found.
Tried: $PYTHON, python3.13, python3.12, python3, pyenv's versions, /usr/bin/python3.1x.
Install one, for example:
  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv
  pyenv:          pyenv install 3.12
  macOS:          brew install python@3.12
or point PYTHON at it:  make PYTHON=/path/to/python3.12 setup
MSG
exit 1
