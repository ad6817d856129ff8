//! `iamconf`: the command-line front of iamconf.
fn main() {}
