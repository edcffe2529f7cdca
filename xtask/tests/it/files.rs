//! `files::sync`: writes only changes, deletes orphans, and changes nothing in check mode.

use std::path::PathBuf;

use xtask::files::{FileSet, Mode, sync};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-files-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn write_then_check_is_clean_and_orphans_are_removed() {
    let root = scratch("write");
    let mut files = FileSet::new();
    files.insert("a/one.json".into(), "1\n".into());
    files.insert("two.json".into(), "2\n".into());

    let first = sync(&root, &files, Mode::Write).unwrap();
    assert_eq!(first.changed.len(), 2);
    assert!(sync(&root, &files, Mode::Check).unwrap().is_clean());

    std::fs::write(root.join("a/stale.json"), "old\n").unwrap();
    files.remove(&PathBuf::from("a/one.json"));
    let check = sync(&root, &files, Mode::Check).unwrap();
    assert_eq!(
        check.orphans,
        vec![PathBuf::from("a/one.json"), PathBuf::from("a/stale.json")]
    );
    assert!(
        root.join("a/stale.json").exists(),
        "check mode deletes nothing"
    );

    sync(&root, &files, Mode::Write).unwrap();
    assert!(
        !root.join("a").exists(),
        "orphans and the folder they leave empty are gone"
    );
    std::fs::remove_dir_all(&root).unwrap();
}

#[test]
fn check_reports_changed_files_and_tolerates_crlf() {
    let root = scratch("check");
    let mut files = FileSet::new();
    files.insert("x.json".into(), "{\n  \"a\": 1\n}\n".into());
    sync(&root, &files, Mode::Write).unwrap();

    std::fs::write(root.join("x.json"), "{\r\n  \"a\": 1\r\n}\r\n").unwrap();
    assert!(sync(&root, &files, Mode::Check).unwrap().is_clean());

    // Raw bodies (no trailing newline) are signed byte for byte: CRLF there is a change.
    files.insert("raw.json".into(), "{\"a\":\n1}".into());
    std::fs::write(root.join("raw.json"), "{\"a\":\r\n1}").unwrap();
    let report = sync(&root, &files, Mode::Check).unwrap();
    assert_eq!(report.changed, vec![PathBuf::from("raw.json")]);
    files.remove(&PathBuf::from("raw.json"));
    std::fs::remove_file(root.join("raw.json")).unwrap();

    std::fs::write(root.join("x.json"), "{\n  \"a\": 2\n}\n").unwrap();
    let report = sync(&root, &files, Mode::Check).unwrap();
    assert_eq!(report.changed, vec![PathBuf::from("x.json")]);
    assert_eq!(
        std::fs::read_to_string(root.join("x.json")).unwrap(),
        "{\n  \"a\": 2\n}\n"
    );
    std::fs::remove_dir_all(&root).unwrap();
}
