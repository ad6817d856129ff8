#!/usr/bin/env bash
# Build the iam-rs adapter (iam-rs from crates.io at the version pinned in Cargo.toml/Cargo.lock).
set -euo pipefail
cd "$(dirname "$0")"
cargo build --release --locked --bin iamconf-iam-rs
