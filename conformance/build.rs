//! Rebuild when the golden corpus changes: it is embedded in the `iamconf` binary.
fn main() {
    println!("cargo:rerun-if-changed=cases");
}
