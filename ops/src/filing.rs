//! Where a printed document goes: on stdout, or, with a documents folder (`ORDERS_DOCUMENTS`),
//! into a file named by its number (`lasku-1000.xml`, `hyvityslasku-1001.html`,
//! `lasku-1000-kopio.xml`). A file is written whole or not at all (a temporary file linked into
//! place), never over another: the same content already there is left as it is, a different one
//! gets the next free name (`-2`, `-3`, …). A refused command writes nothing, since the document
//! is rendered first.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::invoice::{self, InvoiceFormat, Printing};
use crate::store::{DocumentKind, IssuedInvoice, Routing};
use crate::{Operator, OpsError};

/// Names tried before giving up (a folder full of copies of one document).
const MAX_NAMES: usize = 100;

impl Operator {
    /// Prints `issued` as `printing`, in `format` (`None`: as it went).
    pub(crate) fn emit(
        &self,
        issued: &IssuedInvoice,
        printing: Printing,
        format: Option<InvoiceFormat>,
        out: &mut dyn Write,
        notes: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let text = invoice::document(issued, printing, format)?;
        let Some(dir) = &self.documents_dir else {
            out.write_all(text.as_bytes())?;
            return Ok(());
        };
        let went = match issued.parties.as_ref().map(|p| &p.routing) {
            Some(Routing::Einvoice { .. }) => InvoiceFormat::Finvoice,
            _ => InvoiceFormat::Printable,
        };
        let extension = match format.unwrap_or(went) {
            InvoiceFormat::Finvoice => "xml",
            InvoiceFormat::Printable => "html",
        };
        let stem = format!(
            "{}-{}{}",
            match issued.kind {
                DocumentKind::Invoice => "lasku",
                DocumentKind::Credit => "hyvityslasku",
            },
            issued.record.number,
            if printing == Printing::Copy {
                "-kopio"
            } else {
                ""
            }
        );
        let (path, new) = file_into(dir, &stem, extension, text.as_bytes())?;
        let said = if new { "written to" } else { "already in" };
        writeln!(notes, "{said} {}", path.display())?;
        Ok(())
    }
}

/// `content` in `dir` as `stem.extension` or the next free name: the path, and whether it is
/// new (`false`: that content was already there).
fn file_into(
    dir: &Path,
    stem: &str,
    extension: &str,
    content: &[u8],
) -> Result<(PathBuf, bool), OpsError> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(
        ".{stem}.{}.partial",
        getrandom::u64().unwrap_or_default()
    ));
    std::fs::write(&temporary, content)?;
    let result = place(dir, stem, extension, content, &temporary);
    let _ = std::fs::remove_file(&temporary);
    result
}

fn place(
    dir: &Path,
    stem: &str,
    extension: &str,
    content: &[u8],
    temporary: &Path,
) -> Result<(PathBuf, bool), OpsError> {
    for n in 1..=MAX_NAMES {
        let name = match n {
            1 => format!("{stem}.{extension}"),
            n => format!("{stem}-{n}.{extension}"),
        };
        let path = dir.join(name);
        // A link is made only where no file is: nothing is ever overwritten.
        match std::fs::hard_link(temporary, &path) {
            Ok(()) => return Ok((path, true)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                if std::fs::read(&path)? == content {
                    return Ok((path, false));
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(OpsError::Usage(format!(
        "{} has {MAX_NAMES} files named {stem}: move some away",
        dir.display()
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_never_written_over_and_the_same_content_is_not_written_twice() {
        let dir = std::env::temp_dir().join(format!("filing-{}", getrandom::u64().unwrap()));
        let first = file_into(&dir, "lasku-1000", "xml", b"one").unwrap();
        assert_eq!(first, (dir.join("lasku-1000.xml"), true));
        assert_eq!(
            file_into(&dir, "lasku-1000", "xml", b"one").unwrap(),
            (first.0.clone(), false)
        );
        let other = file_into(&dir, "lasku-1000", "xml", b"two").unwrap();
        assert_eq!(other, (dir.join("lasku-1000-2.xml"), true));
        assert_eq!(std::fs::read(&first.0).unwrap(), b"one");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left.len(), 2, "no partial file left: {left:?}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
