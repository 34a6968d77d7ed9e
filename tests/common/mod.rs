//! Helpers shared by the integration tests: the repository, the binary,
//! and copies of the sample playbook to change freely.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root (itself the sample playbook).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The real binary, without the environment that changes its output.
pub fn playbook_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_playbook"));
    cmd.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    cmd
}

/// Copies a folder tree, creating `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let p = entry.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).unwrap();
        }
    }
}

/// Copies the sample playbook (`playbook.yaml` and `content/`) into `dir`.
pub fn copy_sample(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(repo().join("playbook.yaml"), dir.join("playbook.yaml")).unwrap();
    copy_dir(&repo().join("content"), &dir.join("content"));
}
