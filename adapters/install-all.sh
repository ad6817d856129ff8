#!/usr/bin/env bash
# Install every adapter, each within a time limit; say which failed (exit 1 if any did).
cd "$(dirname "$0")"
failed=0
for name in iam-simulate pbac moto iam-rs; do
  if [ -d "$name/node_modules" ] || [ -d "$name/.venv" ] || [ -x "$name/target/release/iamconf-iam-rs" ]; then
    echo "adapter $name: already installed"
    continue
  fi
  if timeout 600 nice -n 10 "./$name/install.sh" > "/tmp/iamconf-install-$name.log" 2>&1; then
    echo "adapter $name: installed"
  else
    echo "adapter $name: NOT installed (see /tmp/iamconf-install-$name.log)"
    failed=1
  fi
done
exit "$failed"
