#!/usr/bin/env bash
exec "$(dirname "$0")/target/release/iamconf-iam-rs" "$@"
