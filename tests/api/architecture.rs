//! The layers of docs/ARCHITECTURE.md, checked on the source: each module of `src/` imports
//! (`crate::…`) only the modules its row allows. A new edge is a deliberate change here and in
//! the document, never an accident.

use std::collections::BTreeSet;
use std::path::Path;

/// Each module and the modules it may import. Top to bottom: nothing imports what is above it.
const LAYERS: [(&str, &[&str]); 14] = [
    (
        "entry",
        &[
            "config",
            "door",
            "http",
            "intake",
            "email",
            "store",
            "human_check",
            "measure",
        ],
    ),
    ("config", &["domain", "intake", "human_check", "door"]),
    ("door", &["measure"]),
    ("http", &["intake", "domain", "texts", "i18n", "measure"]),
    (
        "intake",
        &["store", "email", "human_check", "domain", "measure"],
    ),
    ("email", &["domain", "texts"]),
    ("store", &["domain"]),
    ("human_check", &["domain", "aws"]),
    ("i18n", &["domain", "texts"]),
    ("texts", &["domain"]),
    ("measure", &["domain"]),
    ("aws", &[]),
    ("telemetry", &[]),
    ("domain", &[]),
];

/// The modules a file names as `crate::<module>`, comments left out.
fn imports(source: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for line in source.lines() {
        let code = line.split("//").next().unwrap_or_default();
        for (at, _) in code.match_indices("crate::") {
            let rest = &code[at + "crate::".len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

fn rust_files(path: &Path, into: &mut Vec<std::path::PathBuf>) {
    if path.is_dir() {
        for entry in std::fs::read_dir(path).unwrap() {
            rust_files(&entry.unwrap().path(), into);
        }
    } else if path.is_file() && path.extension().is_some_and(|e| e == "rs") {
        into.push(path.to_owned());
    }
}

#[test]
fn every_module_imports_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (module, allowed) in LAYERS {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        rust_files(&src.join(format!("{module}.rs")), &mut files);
        assert!(!files.is_empty(), "src/{module} is gone: update LAYERS");
        for file in files {
            let source = std::fs::read_to_string(&file).unwrap();
            for import in imports(&source) {
                if import != module && !allowed.contains(&import.as_str()) {
                    wrong.push(format!("{} imports crate::{import}", file.display()));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "edges docs/ARCHITECTURE.md does not allow: {wrong:#?}"
    );
}

/// An allowed edge no file uses is a stale row: the table says more than the code does.
#[test]
fn every_allowed_import_is_used() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut unused = Vec::new();
    for (module, allowed) in LAYERS {
        let mut files = Vec::new();
        rust_files(&src.join(module), &mut files);
        rust_files(&src.join(format!("{module}.rs")), &mut files);
        let used: BTreeSet<String> = (files.iter())
            .flat_map(|file| imports(&std::fs::read_to_string(file).unwrap()))
            .collect();
        for edge in allowed.iter().filter(|edge| !used.contains(**edge)) {
            unused.push(format!("{module} may import {edge} but does not"));
        }
    }
    assert!(
        unused.is_empty(),
        "allowed edges no code uses: drop them here and in docs/ARCHITECTURE.md: {unused:#?}"
    );
}

#[test]
fn every_module_of_the_library_has_its_layer() {
    let lib = include_str!("../../src/lib.rs");
    let modules: Vec<&str> = lib
        .lines()
        .filter_map(|line| line.strip_prefix("pub mod "))
        .map(|rest| rest.trim_end_matches(';'))
        .collect();
    for module in &modules {
        assert!(
            LAYERS.iter().any(|(name, _)| name == module),
            "src/{module} has no row in LAYERS"
        );
    }
    assert_eq!(modules.len(), LAYERS.len());
}

#[test]
fn the_check_sees_an_import_and_ignores_a_comment() {
    let found = imports("use crate::texts::label; // crate::http\n/// `crate::store`\n");
    assert_eq!(found, BTreeSet::from(["texts".to_owned()]));
}

/// One TLS stack and one crypto provider in the function: rustls on aws-lc, in the SDK's own
/// hyper client, which the human check's siteverify call shares. No `ring`, no OpenSSL, no
/// second HTTP client (`reqwest` is the tests' own).
#[test]
fn the_function_links_one_tls_stack_and_one_crypto_provider() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = std::process::Command::new(cargo)
        .args([
            "tree",
            "-p",
            "order-intake",
            "-e",
            "normal",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let tree = String::from_utf8(output.stdout).unwrap();
    let versions = |name: &str| -> std::collections::BTreeSet<String> {
        (tree.lines())
            .filter_map(|line| {
                line.split_whitespace()
                    .collect::<Vec<_>>()
                    .get(..2)
                    .map(<[_]>::to_vec)
            })
            .filter(|parts| parts[0] == name)
            .map(|parts| parts[1].to_owned())
            .collect()
    };
    for name in ["rustls", "aws-lc-rs", "hyper", "hyper-rustls"] {
        assert_eq!(versions(name).len(), 1, "{name}: {:?}", versions(name));
    }
    for name in [
        "ring",
        "openssl",
        "openssl-sys",
        "native-tls",
        "reqwest",
        "isahc",
        "ureq",
    ] {
        assert!(versions(name).is_empty(), "the function links {name}");
    }
}

/// What docs/ARCHITECTURE.md's worked examples add: names that are meant not to exist yet.
const TO_BE_ADDED: [&str; 3] = ["Field::Department", "Language::De", "src/texts/de.rs"];

/// Every `.rs` file of the function and of the operator's command, with its text.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    rust_files(&root.join("ops/src"), &mut files);
    files
        .into_iter()
        .map(|file| {
            let text = std::fs::read_to_string(&file).unwrap();
            (file, text)
        })
        .collect()
}

/// Whether a line of `text` defines `name` as an item (`fn`, `struct`, `const`, …) or, in an
/// enum, as a variant.
fn defines(text: &str, name: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim_start();
        let line = line.strip_prefix("pub(crate) ").unwrap_or(line);
        let line = line.strip_prefix("pub(super) ").unwrap_or(line);
        let line = line.strip_prefix("pub ").unwrap_or(line);
        let line = line.strip_prefix("async ").unwrap_or(line);
        let line = (line.strip_prefix("const "))
            .filter(|rest| rest.starts_with("fn "))
            .unwrap_or(line);
        let item = [
            "fn ", "struct ", "enum ", "trait ", "type ", "const ", "static ", "mod ",
        ]
        .iter()
        .find_map(|keyword| line.strip_prefix(keyword));
        let word = |rest: &str| -> String {
            rest.chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect()
        };
        match item {
            Some(rest) => word(rest) == name,
            // A variant: `Name,`, `Name {`, `Name(`.
            None => word(line) == name && line[name.len()..].starts_with([',', ' ', '(', '{']),
        }
    })
}

/// Whether `owner::name` names something in the source: `Type::item` (an item in a file that
/// has the type's impl, trait or enum) or `module::item` (an item in the module's files).
fn resolves(owner: &str, name: &str, sources: &[(std::path::PathBuf, String)]) -> bool {
    if owner.starts_with(char::is_uppercase) {
        let holds_type = |text: &str| {
            text.lines().any(|line| {
                let line = line.trim_start();
                (line.starts_with("impl") || line.contains("trait ") || line.contains("enum "))
                    && line
                        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                        .any(|word| word == owner)
            })
        };
        return (sources.iter()).any(|(_, text)| holds_type(text) && defines(text, name));
    }
    sources.iter().any(|(file, text)| {
        let in_module = file.components().any(|part| {
            let part = part.as_os_str().to_string_lossy();
            part == owner || part == format!("{owner}.rs")
        });
        in_module && defines(text, name)
    })
}

/// The backticked spans of a Markdown text.
fn code_spans(markdown: &str) -> Vec<&str> {
    markdown.split('`').skip(1).step_by(2).collect()
}

#[test]
fn every_name_and_path_in_the_architecture_page_exists() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = std::fs::read_to_string(root.join("docs/ARCHITECTURE.md")).unwrap();
    let sources = sources();
    let mut stale = Vec::new();
    let mut checked = 0;
    for span in code_spans(&page) {
        if TO_BE_ADDED.iter().any(|new| span.contains(new)) {
            continue;
        }
        // Paths: a file or folder of the repository (or of src/, as `intake/tests.rs`).
        let looks_like_path = span.contains('/')
            && !span.contains(' ')
            && !span.starts_with("POST")
            && span
                .rsplit('/')
                .next()
                .is_some_and(|last| last.is_empty() || last.contains('.'));
        if looks_like_path {
            checked += 1;
            let found = ["", "src/"]
                .iter()
                .any(|base| root.join(format!("{base}{span}")).exists());
            if !found {
                stale.push(format!("path {span}"));
            }
            continue;
        }
        // `Owner::name` pairs, wherever they are in the span (`http::route`,
        // `Stores::new(memory)`, `store::Stores`).
        let words: Vec<&str> = span
            .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
            .collect();
        for word in words.into_iter().filter(|w| w.contains("::")) {
            let parts: Vec<&str> = word.split("::").filter(|p| !p.is_empty()).collect();
            for pair in parts.windows(2) {
                checked += 1;
                if !resolves(pair[0], pair[1], &sources) {
                    stale.push(format!("{}::{}", pair[0], pair[1]));
                }
            }
        }
    }
    assert!(
        checked > 100,
        "only {checked} names checked: is the page read?"
    );
    assert!(
        stale.is_empty(),
        "docs/ARCHITECTURE.md names what the source does not have: {stale:#?}"
    );
}

#[test]
fn the_architecture_check_finds_a_renamed_method() {
    let sources = sources();
    assert!(resolves("Sender", "send_pair", &sources));
    assert!(!resolves("Sender", "send_both", &sources));
    assert!(resolves("http", "accept", &sources));
    assert!(!resolves("http", "no_such_function", &sources));
    assert!(resolves("QuotaKind", "Breaker", &sources));
}

/// The use cases and the parts they share, each holding only what it uses: a field its own file
/// never reads (`self.field`) is a port it carries for nothing.
#[test]
fn every_use_case_uses_every_port_it_holds() {
    const HOLDERS: [&str; 12] = [
        "PlaceOrder",
        "RetryEmails",
        "HandleReport",
        "Resend",
        "EraseExpired",
        "BookWorkshop",
        "Release",
        "OperatorDesk",
        "Sender",
        "Alerts",
        "Composer",
        "Counters",
    ];
    let mut files = Vec::new();
    rust_files(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("src/intake"),
        &mut files,
    );
    let mut found = 0;
    let mut idle = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        // `self.x`, also when the chain is broken over lines (`self\n    .x`, `(self.x)`).
        let compact: String = text.split_whitespace().collect::<Vec<_>>().join("");
        for holder in HOLDERS {
            let Some(start) = text.find(&format!("struct {holder} {{")) else {
                continue;
            };
            found += 1;
            let body = &text[start..start + text[start..].find("\n}").unwrap()];
            for line in body.lines().skip(1) {
                let line = line.trim_start();
                let line = line.strip_prefix("pub(super) ").unwrap_or(line);
                let Some((field, _)) = line.split_once(':') else {
                    continue;
                };
                if field.starts_with("//") || field.contains(' ') {
                    continue;
                }
                if !compact.contains(&format!("self.{field}")) {
                    idle.push(format!("{holder}.{field} ({})", file.display()));
                }
            }
        }
    }
    assert_eq!(found, HOLDERS.len(), "a use case moved out of src/intake");
    assert!(idle.is_empty(), "ports held but never used: {idle:#?}");
}
