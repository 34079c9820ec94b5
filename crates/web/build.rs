//! The KRDS design-system assets come from the npm package `krds-uiux` (package.json + lockfile at the
//! repository root) and are embedded into the binary. A fresh clone has no node_modules yet, so the
//! build installs it with `npm ci` once; nothing is downloaded when node_modules is already there.

use std::path::Path;
use std::process::Command;

fn main() {
    // Read when the script runs, not baked in when it was compiled: a target directory shared by
    // two checkouts runs one compiled script for both.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts");
    let root = Path::new(&manifest).join("../..");
    let marker = root.join("node_modules/krds-uiux/package.json");
    println!("cargo:rerun-if-changed={}", root.join("package-lock.json").display());
    println!("cargo:rerun-if-changed={}", marker.display());
    // Our own static files are embedded too; a change to them must rebuild the crate.
    println!("cargo:rerun-if-changed=static");
    if marker.exists() {
        return;
    }
    let status =
        Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--ignore-scripts"]).current_dir(&root).status();
    match status {
        Ok(s) if s.success() && marker.exists() => {}
        Ok(s) => panic!("`npm ci` failed ({s}); run `npm ci` in {} and build again", root.display()),
        Err(e) => panic!(
            "the KRDS assets are missing and npm could not be run ({e}); install Node.js and npm \
             (apt-get install nodejs npm), or run scripts/setup.sh"
        ),
    }
}
