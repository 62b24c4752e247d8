//! The invoice's image for the e-invoice operator (`invoice.pdf` beside the Finvoice in Apix's
//! ZIP, named by `InvoiceUrlNameText` `APIX_PDFFILE`): the printable invoice's own text, line by
//! line, on A4 pages in Helvetica (a PDF base font, WinAnsi-encoded: Finnish letters, € and –
//! as they are), so that what the receiver sees is what `orders document N --format html`
//! prints. No headless browser: pdf-writer writes the file.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str};

use crate::invoice::{self, InvoiceError, InvoiceFormat, Printing};
use crate::store::IssuedInvoice;

const PAGE: (f32, f32) = (595.0, 842.0);
const MARGIN: f32 = 56.0;
const SIZE: f32 = 10.0;
const LEADING: f32 = 13.0;
/// Characters on a line before it wraps (Helvetica at 10 pt on A4 less margins).
const WIDTH: usize = 95;

/// The document's image, as printed (an original, or a copy).
pub fn invoice_pdf(issued: &IssuedInvoice, printing: Printing) -> Result<Vec<u8>, InvoiceError> {
    let html = invoice::document(issued, printing, Some(InvoiceFormat::Printable))?;
    Ok(render(&printable_lines(&html)))
}

/// The printable invoice's text as lines: a line for each heading, paragraph line and table
/// row (its cells two spaces apart), entities decoded, empty lines dropped.
pub fn printable_lines(html: &str) -> Vec<String> {
    let body = html.split("<body>").nth(1).unwrap_or(html);
    let mut text = String::new();
    let mut rest = body;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            break;
        };
        let tag = rest[open + 1..open + close].to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        match name {
            "br" | "tr" | "p" | "h1" | "div" | "table" => text.push('\n'),
            "td" | "th" if tag.starts_with('/') => text.push_str("  "),
            _ => {}
        }
        rest = &rest[open + close + 1..];
    }
    text.push_str(rest);
    (text.lines())
        .map(|line| decode(line.trim()))
        .filter(|line| !line.is_empty())
        .flat_map(|line| wrap(&line))
        .collect()
}

fn decode(text: &str) -> String {
    [
        ("&lt;", "<"),
        ("&gt;", ">"),
        ("&quot;", "\""),
        ("&#34;", "\""),
        ("&#39;", "'"),
        ("&#x27;", "'"),
        ("&amp;", "&"),
    ]
    .iter()
    .fold(text.to_owned(), |text, (entity, plain)| {
        text.replace(entity, plain)
    })
}

/// A long line broken at spaces into lines of at most `WIDTH` characters.
fn wrap(line: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in line.split(' ') {
        let last = lines.last_mut().expect("one line at least");
        if !last.is_empty() && last.chars().count() + 1 + word.chars().count() > WIDTH {
            lines.push(word.to_owned());
        } else {
            if !last.is_empty() {
                last.push(' ');
            }
            last.push_str(word);
        }
    }
    lines
}

/// Text in WinAnsiEncoding (Windows-1252): Latin-1 as it is, € and the dashes at their places,
/// anything else a question mark.
fn win_ansi(text: &str) -> Vec<u8> {
    (text.chars())
        .map(|c| match c {
            '€' => 0x80,
            '–' => 0x96,
            '—' => 0x97,
            '’' => 0x92,
            c if (c as u32) < 0x80 || (0xA0..=0xFF).contains(&(c as u32)) => c as u8,
            _ => b'?',
        })
        .collect()
}

/// The lines on as many A4 pages as they take, the first in a larger size.
fn render(lines: &[String]) -> Vec<u8> {
    let per_page = ((PAGE.1 - 2.0 * MARGIN) / LEADING) as usize;
    let pages: Vec<&[String]> = lines.chunks(per_page.max(1)).collect();
    let (catalog, tree, font) = (Ref::new(1), Ref::new(2), Ref::new(3));
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(4 + 2 * i as i32))
        .collect();
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids(page_ids.iter().copied())
        .count(pages.len() as i32);
    pdf.type1_font(font)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    for (i, page_lines) in pages.iter().enumerate() {
        let (page_id, content_id) = (page_ids[i], Ref::new(5 + 2 * i as i32));
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE.0, PAGE.1));
        page.parent(tree);
        page.contents(content_id);
        page.resources().fonts().pair(Name(b"F1"), font);
        page.finish();
        let mut content = Content::new();
        content.begin_text();
        content.set_leading(LEADING);
        content.next_line(MARGIN, PAGE.1 - MARGIN);
        for (n, line) in page_lines.iter().enumerate() {
            let size = if i == 0 && n == 0 { 16.0 } else { SIZE };
            content.set_font(Name(b"F1"), size);
            content.show(Str(&win_ansi(line)));
            content.next_line_using_leading();
        }
        content.end_text();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printable_text_is_what_the_pdf_holds() {
        let html = "<html><head><title>x</title></head><body><h1>LASKU – KOPIO</h1><table><tr><th>Päiväys</th><td>7.12.2026</td></tr><tr><td>Some &amp; haltuun</td><td>1129,50 €</td></tr></table><p>A<br>B</p></body></html>";
        let lines = printable_lines(html);
        assert_eq!(
            lines,
            [
                "LASKU – KOPIO",
                "Päiväys  7.12.2026",
                "Some & haltuun  1129,50 €",
                "A",
                "B"
            ]
        );
        let pdf = render(&lines);
        assert!(pdf.starts_with(b"%PDF-"));
        let document = lopdf::Document::load_mem(&pdf).unwrap();
        let text = document.extract_text(&[1]).unwrap();
        let extracted: Vec<&str> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect();
        assert_eq!(extracted, lines, "{text}");
        assert_eq!(wrap(&"sana ".repeat(40)).len(), 3);
    }
}
