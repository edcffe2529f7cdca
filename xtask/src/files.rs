//! Writing a generated tree of files: write only what changed, delete orphans, or (in check
//! mode) write nothing and report every difference.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// A generated tree: relative path to contents. Text fixtures end with a newline; raw bodies
/// (the webhook files) are kept byte for byte and do not.
pub type FileSet = BTreeMap<PathBuf, String>;

/// Write the tree, or only compare it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write changed files and delete orphans.
    Write,
    /// Change nothing; report what would change.
    Check,
}

/// What a sync did (or, in check mode, would do).
#[derive(Debug, Default, PartialEq, Eq)]
pub struct SyncReport {
    /// Files whose contents were (or would be) created or rewritten.
    pub changed: Vec<PathBuf>,
    /// Files that no longer belong and were (or would be) deleted.
    pub orphans: Vec<PathBuf>,
    /// Files already up to date.
    pub unchanged: usize,
}

impl SyncReport {
    /// Whether the tree on disk already matched.
    pub fn is_clean(&self) -> bool {
        self.changed.is_empty() && self.orphans.is_empty()
    }
}

/// Brings `root` in line with `files`. For text fixtures (contents ending with a newline),
/// `\r\n` on disk counts as `\n`, so a checkout with converted line endings is not stale;
/// raw bodies are compared byte for byte, since their signatures cover every byte.
pub fn sync(root: &Path, files: &FileSet, mode: Mode) -> Result<SyncReport> {
    let mut report = SyncReport::default();
    for (relative, contents) in files {
        let path = root.join(relative);
        let current = std::fs::read_to_string(&path).ok();
        let is_text = contents.ends_with('\n');
        let current = current.map(|text| {
            if is_text {
                text.replace("\r\n", "\n")
            } else {
                text
            }
        });
        if current.as_deref() == Some(contents.as_str()) {
            report.unchanged += 1;
            continue;
        }
        report.changed.push(relative.clone());
        if mode == Mode::Write {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .with_context(|| format!("creating {}", parent.display()))?;
            }
            std::fs::write(&path, contents)
                .with_context(|| format!("writing {}", path.display()))?;
        }
    }
    for relative in existing_files(root)? {
        if files.contains_key(&relative) {
            continue;
        }
        if mode == Mode::Write {
            let path = root.join(&relative);
            std::fs::remove_file(&path).with_context(|| format!("deleting {}", path.display()))?;
        }
        report.orphans.push(relative);
    }
    if mode == Mode::Write {
        remove_empty_dirs(root)?;
    }
    Ok(report)
}

/// Every file below `root`, relative to it, sorted.
fn existing_files(root: &Path) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    let mut pending = vec![root.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
            Err(error) => return Err(error).with_context(|| format!("reading {}", dir.display())),
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                found.push(path.strip_prefix(root)?.to_path_buf());
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Removes directories left empty below `root`.
fn remove_empty_dirs(root: &Path) -> Result<()> {
    let Ok(entries) = std::fs::read_dir(root) else {
        return Ok(());
    };
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            remove_empty_dirs(&path)?;
            if std::fs::read_dir(&path)?.next().is_none() {
                std::fs::remove_dir(&path)?;
            }
        }
    }
    Ok(())
}

/// Pretty JSON with a trailing newline: the format of every fixture.
pub fn pretty_json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("fixtures serialize");
    text.push('\n');
    text
}
