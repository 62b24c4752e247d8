//! A booking email as raw MIME, built by lettre's message builder, which is how Outlook and
//! Gmail show their event card (iMIP, RFC 6047):
//!
//! ```text
//! multipart/mixed
//! ├── multipart/alternative
//! │   ├── text/plain
//! │   ├── text/html
//! │   └── text/calendar; method=REQUEST|CANCEL   (the invitation, inline)
//! └── application/ics; name=kutsu.ics             (the same, as a file to open)
//! ```
//!
//! Header values are encoded by the builder (RFC 2047 for anything beyond printable ASCII,
//! which includes CR and LF), and addresses are parsed as mailboxes: nothing a customer types
//! can end a header line.

use std::time::SystemTime;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, Message, MultiPart, SinglePart};

use super::{Email, Invitation, MailError};

fn build_error(detail: impl std::fmt::Display) -> MailError {
    MailError {
        code: "build".into(),
        detail: detail.to_string(),
        permanent: true,
    }
}

fn mailbox(address: &str) -> Result<Mailbox, MailError> {
    address
        .parse()
        .map_err(|_| build_error("an address is not a mailbox"))
}

fn content_type(value: &str) -> Result<ContentType, MailError> {
    ContentType::parse(value).map_err(build_error)
}

/// The calendar part, inline, as calendar programs look for it.
fn calendar_part(invitation: &Invitation) -> Result<SinglePart, MailError> {
    let value = format!(
        "text/calendar; charset=UTF-8; method={}",
        invitation.method.as_str()
    );
    Ok(SinglePart::builder()
        .content_type(content_type(&value)?)
        .body(invitation.calendar.clone()))
}

/// The same object as a file: what a program without iMIP support offers to open.
fn calendar_file(invitation: &Invitation) -> Result<SinglePart, MailError> {
    // The older `name` parameter, for programs that ignore Content-Disposition: printable
    // ASCII only, as a quoted string allows it.
    let name: String = (invitation.file_name.chars())
        .filter(|c| c.is_ascii_graphic() && !matches!(c, '"' | '\\'))
        .collect();
    let value = format!("application/ics; name=\"{name}\"");
    Ok(Attachment::new(invitation.file_name.clone()).body(
        invitation.calendar.clone().into_bytes(),
        content_type(&value)?,
    ))
}

/// `email` from `sender` as the bytes SES v2 sends as Raw content. An email without an
/// invitation is built too (text and HTML), though the mailer sends those as Simple content.
pub fn raw_message(sender: &str, email: &Email, date: SystemTime) -> Result<Vec<u8>, MailError> {
    let mut builder = Message::builder()
        .from(mailbox(sender)?)
        .subject(email.subject.clone())
        .date(date);
    for to in &email.to {
        builder = builder.to(mailbox(to)?);
    }
    for reply_to in &email.reply_to {
        builder = builder.reply_to(mailbox(reply_to)?);
    }
    // Auto-Submitted (RFC 3834): out-of-office replies stay away from a message a program sent.
    builder = builder.raw_header(HeaderValue::new(
        HeaderName::new_from_ascii_str("Auto-Submitted"),
        "auto-generated".to_owned(),
    ));
    let mut alternative = MultiPart::alternative()
        .singlepart(SinglePart::plain(email.text.clone()))
        .singlepart(SinglePart::html(email.html.clone()));
    let message = match &email.invitation {
        None => builder.multipart(alternative),
        Some(invitation) => {
            alternative = alternative.singlepart(calendar_part(invitation)?);
            let mixed = MultiPart::mixed()
                .multipart(alternative)
                .singlepart(calendar_file(invitation)?);
            builder.multipart(mixed)
        }
    };
    let message: Message = message.map_err(build_error)?;
    Ok(message.formatted())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::email::InvitationMethod;
    use mail_parser::MimeHeaders;

    fn email(subject: &str, file_name: &str) -> Email {
        Email {
            to: vec!["asiakas@kunta.fi".into()],
            reply_to: vec!["kouluttajat@some-tyopajat.fi".into()],
            subject: subject.into(),
            text: "Hei\r\n".into(),
            html: "<p>Hei</p>".into(),
            invitation: Some(Invitation {
                method: InvitationMethod::Request,
                file_name: file_name.into(),
                calendar: "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nEND:VCALENDAR\r\n".into(),
            }),
            tags: Vec::new(),
        }
    }

    fn parse(raw: &[u8]) -> mail_parser::Message<'_> {
        mail_parser::MessageParser::default()
            .parse(raw)
            .expect("a mail parser reads it")
    }

    #[test]
    fn the_invitation_is_inline_in_the_alternative_and_attached_once() {
        let raw = raw_message(
            "Some-työpajat <tilaukset@some-tyopajat.fi>",
            &email("Varaus: Tuusulan kunta", "kutsu.ics"),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        let message = parse(&raw);
        let text = String::from_utf8_lossy(&raw).to_lowercase();
        let at = |needle: &str| {
            text.find(needle)
                .unwrap_or_else(|| panic!("{needle}: {text}"))
        };
        // In this order: the calendar inside the alternative, before the file.
        assert!(at("multipart/mixed") < at("multipart/alternative"));
        assert!(at("text/html") < at("text/calendar; charset=utf-8; method=request"));
        assert!(at("text/calendar") < at("application/ics"));
        // A mail parser sees the inline calendar (no name) and the named file.
        let parts: Vec<(Option<&str>, String)> = (message.attachments())
            .map(|part| {
                let kind = part.content_type().unwrap();
                let kind = format!("{}/{}", kind.ctype(), kind.subtype().unwrap_or(""));
                (part.attachment_name(), kind)
            })
            .collect();
        assert_eq!(
            parts,
            [
                (None, "text/calendar".to_owned()),
                (Some("kutsu.ics"), "application/ics".to_owned())
            ]
        );
        assert_eq!(message.subject(), Some("Varaus: Tuusulan kunta"));
        assert_eq!(
            message.from().unwrap().first().unwrap().name(),
            Some("Some-työpajat")
        );
    }

    #[test]
    fn line_breaks_and_non_ascii_in_header_values_add_no_header() {
        let hostile = "Ä\r\nBcc: evil@example.com\r\nX-Evil: 1 ö\nBcc: evil@example.com";
        let raw = raw_message(
            "Tilaukset <tilaukset@some-tyopajat.fi>",
            &email(hostile, "kutsu\r\nBcc: evil@example.com.ics"),
            SystemTime::UNIX_EPOCH,
        )
        .unwrap();
        let message = parse(&raw);
        assert!(message.bcc().is_none());
        let names: Vec<String> = (message.headers().iter())
            .map(|h| h.name().to_ascii_lowercase())
            .collect();
        assert!(
            !names.iter().any(|n| n == "bcc" || n == "x-evil"),
            "{names:?}"
        );
        // Every header line of the raw bytes is printable ASCII.
        let head = raw.split(|b| *b == b'\n').take_while(|l| l.len() > 1);
        for line in head {
            assert!(
                line.iter()
                    .all(|b| (0x20..0x7f).contains(b) || *b == b'\r' || *b == b'\t'),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        // The subject reads back as written, line breaks and all.
        assert!(message.subject().unwrap().contains("Bcc: evil@example.com"));
        for address in [
            "asiakas@kunta.fi\r\nBcc: evil@example.com",
            "Ä\r\n <a@b.fi>",
        ] {
            let mut bad = email("Varaus", "kutsu.ics");
            bad.reply_to = vec![address.into()];
            let error = raw_message("tilaukset@some-tyopajat.fi", &bad, SystemTime::UNIX_EPOCH);
            assert!(error.is_err(), "{address:?}");
        }
        let error = raw_message(
            "tilaukset@some-tyopajat.fi\r\nBcc: evil@example.com",
            &email("Varaus", "kutsu.ics"),
            SystemTime::UNIX_EPOCH,
        );
        assert!(error.is_err());
    }
}
