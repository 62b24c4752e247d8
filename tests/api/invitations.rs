//! Every invitation the code can make — each method, reader, language and package, with and
//! without the optional parts, and an organisation name as long as the form allows — checked
//! against RFC 5546's restriction tables for VEVENT REQUEST (3.2.2) and CANCEL (3.2.5), and
//! read by an independent parser (tests/ical_check.py, Python's icalendar).

use std::collections::HashMap;

use jiff::civil::date;
use order_intake::domain::{
    Booking, BookingState, Delivery, EmailAddress, Language, NewOrder, Order, OrderForm, Package,
    Reference, Trainer,
};
use order_intake::email::{
    Audience, BookingEmails, Invitation, InvitationMethod, MAX_SUMMARY_CHARS, invitation,
};
use serde_json::Value;

use crate::fixtures::at;
use crate::helpers::{ORGANIZER, TRAINERS, unique};

/// An iCalendar content line, unfolded: name, parameters, value.
struct Line {
    name: String,
    parameters: HashMap<String, String>,
    value: String,
}

/// Unfolds and splits the lines, checking what RFC 5545 asks of the text itself: CRLF line
/// ends, at most 75 octets a line, no other control characters.
fn lines(calendar: &str) -> Vec<Line> {
    assert!(calendar.ends_with("\r\n"), "CRLF at the end");
    let physical: Vec<&str> = calendar.trim_end_matches("\r\n").split("\r\n").collect();
    for line in &physical {
        assert!(line.len() <= 75, "a line over 75 octets: {line:?}");
        assert!(
            !line.chars().any(|c| c.is_control() && c != '\t'),
            "{line:?}"
        );
    }
    let mut unfolded: Vec<String> = Vec::new();
    for line in physical {
        match line.strip_prefix(' ') {
            Some(rest) => unfolded
                .last_mut()
                .expect("a fold after a line")
                .push_str(rest),
            None => unfolded.push(line.to_owned()),
        }
    }
    unfolded.iter().map(|line| split(line)).collect()
}

/// `NAME;P=V;P="V":value`, with quoted parameter values that may hold `:` and `;`.
fn split(line: &str) -> Line {
    let (mut head, mut quoted, mut value_at) = (Vec::new(), false, None);
    let mut part = String::new();
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ';' | ':' if !quoted => {
                head.push(std::mem::take(&mut part));
                if c == ':' {
                    value_at = Some(i + 1);
                    break;
                }
                continue;
            }
            _ => {}
        }
        part.push(c);
    }
    let value_at = value_at.unwrap_or_else(|| panic!("no value: {line:?}"));
    let name = head.remove(0);
    let parameters = (head.iter())
        .map(|p| {
            let (k, v) = p
                .split_once('=')
                .unwrap_or_else(|| panic!("{p:?} in {line:?}"));
            (k.to_owned(), v.trim_matches('"').to_owned())
        })
        .collect();
    Line {
        name,
        parameters,
        value: line[value_at..].to_owned(),
    }
}

/// How many times each property may appear in the VEVENT of a method: (min, max).
fn presence(method: InvitationMethod, property: &str) -> (usize, usize) {
    const MANY: usize = usize::MAX;
    let request = method == InvitationMethod::Request;
    match property {
        "ATTENDEE" if request => (1, MANY),
        "ATTENDEE" => (0, MANY),
        "DTSTAMP" | "ORGANIZER" | "UID" => (1, 1),
        "DTSTART" | "SUMMARY" if request => (1, 1),
        "SEQUENCE" if !request => (1, 1),
        "REQUEST-STATUS" => (0, 0),
        _ => (0, 1),
    }
}

/// RFC 5546's rules for one invitation, with what the rules leave to us: the method in the
/// MIME part and the calendar agree, the title fits, and every TZID used is defined.
fn conforms(invitation: &Invitation) -> Result<(), String> {
    let lines = lines(&invitation.calendar);
    let method = invitation.method;
    let value = |name: &str| {
        lines
            .iter()
            .find(|l| l.name == name)
            .map(|l| l.value.as_str())
    };
    let count = |name: &str| lines.iter().filter(|l| l.name == name).count();
    let begins = |component: &str| {
        (lines.iter())
            .filter(|l| l.name == "BEGIN" && l.value == component)
            .count()
    };
    let check = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_owned()) };
    check(
        value("METHOD") == Some(method.as_str()),
        "METHOD as the part says",
    )?;
    check(
        value("VERSION") == Some("2.0") && count("PRODID") == 1,
        "VERSION 2.0, one PRODID",
    )?;
    check(begins("VEVENT") == 1, "one VEVENT")?;
    for forbidden in ["VTODO", "VJOURNAL", "VFREEBUSY"] {
        check(begins(forbidden) == 0, forbidden)?;
    }
    if method == InvitationMethod::Cancel {
        check(begins("VALARM") == 0, "no VALARM in CANCEL")?;
    }
    let start = lines
        .iter()
        .position(|l| l.name == "BEGIN" && l.value == "VEVENT");
    let end = lines
        .iter()
        .position(|l| l.name == "END" && l.value == "VEVENT");
    let event = &lines[start.unwrap() + 1..end.unwrap()];
    let in_event = |name: &str| event.iter().filter(|l| l.name == name).count();
    let named: std::collections::BTreeSet<&str> = event.iter().map(|l| l.name.as_str()).collect();
    for name in named.iter().chain(
        [
            "ATTENDEE",
            "DTSTAMP",
            "DTSTART",
            "ORGANIZER",
            "SEQUENCE",
            "SUMMARY",
            "UID",
            "REQUEST-STATUS",
        ]
        .iter(),
    ) {
        let (min, max) = presence(method, name);
        let n = in_event(name);
        check((min..=max).contains(&n), &format!("{name} {n} times"))?;
    }
    check(
        !(in_event("DTEND") > 0 && in_event("DURATION") > 0),
        "DTEND or DURATION",
    )?;
    let sequence: u32 = event
        .iter()
        .find(|l| l.name == "SEQUENCE")
        .map_or(0, |l| l.value.parse().unwrap());
    check(
        method == InvitationMethod::Request || sequence > 0,
        "a CANCEL's SEQUENCE",
    )?;
    let status = event
        .iter()
        .find(|l| l.name == "STATUS")
        .map(|l| l.value.as_str());
    let allowed: &[&str] = match method {
        InvitationMethod::Request => &["TENTATIVE", "CONFIRMED"],
        InvitationMethod::Cancel => &["CANCELLED"],
    };
    check(
        status.is_none_or(|s| allowed.contains(&s)),
        "STATUS for the method",
    )?;
    for line in event
        .iter()
        .filter(|l| l.name == "ORGANIZER" || l.name == "ATTENDEE")
    {
        check(
            line.value.starts_with("mailto:"),
            "a calendar user's address is mailto:",
        )?;
    }
    let summary = event
        .iter()
        .find(|l| l.name == "SUMMARY")
        .map_or("", |l| l.value.as_str());
    let summary = summary.replace("\\,", ",").replace("\\;", ";");
    check(
        summary.chars().count() <= MAX_SUMMARY_CHARS,
        &format!("a long SUMMARY: {summary}"),
    )?;
    check(
        summary.contains("Some-työpajat"),
        "the provider in the SUMMARY",
    )?;
    // VTIMEZONE: present for every TZID a time refers to.
    let zones: Vec<&str> = (lines.iter())
        .filter(|l| l.name == "TZID")
        .map(|l| l.value.as_str())
        .collect();
    for line in event {
        if let Some(zone) = line.parameters.get("TZID") {
            check(
                zones.contains(&zone.as_str()),
                &format!("VTIMEZONE for {zone}"),
            )?;
        }
    }
    Ok(())
}

fn order(language: &str, package: &str, long_names: bool, phone: bool) -> Order {
    let organization = match long_names {
        true => "Kuntayhtymä ".repeat(16),
        false => "Tuusulan kunta".to_owned(),
    };
    let form = OrderForm {
        package: Some(package.into()),
        organization: Some(organization.trim().to_owned()),
        contact_name: Some("Anna Virtanen".into()),
        email: Some("anna.virtanen@tuusula.example".into()),
        privacy_consent: Some("true".into()),
        participants: Some("12".into()),
        phone: phone.then(|| "040 123 4567".into()),
        language: Some(language.into()),
        ..OrderForm::default()
    };
    let details = NewOrder::parse(&form, date(2026, 11, 26)).expect("a valid order");
    Order {
        reference: Reference::parse("ZCYH-TXC5").unwrap(),
        ..Order::placed(
            details,
            at(0),
            Delivery::Sent {
                message_id: "m".into(),
                sent_at: at(0),
            },
        )
    }
}

fn booking(state: BookingState, sequence: u32, note: bool) -> Booking {
    Booking {
        state,
        start: date(2027, 3, 30).at(9, 0, 0, 0),
        end: date(2027, 3, 30).at(13, 0, 0, 0),
        place: "Kunnantalo; sali \"A\", 2.krs".into(),
        trainers: vec!["Pilvi Nummi".into(), "Jaana Pohjola".into()],
        note: note.then(|| "Tervetuloa!".into()),
        reason: (state == BookingState::Cancelled).then(|| "Sairastuminen".into()),
        sequence,
        changed_at: at(0),
        changed_by: "orders".into(),
        fee_percent: None,
        fee_vat: None,
    }
}

/// Every invitation the code can make, by what varies in it.
fn every_invitation() -> Vec<(String, Invitation)> {
    let roster = Trainer::parse_list(TRAINERS).unwrap();
    let trainers = [EmailAddress::parse("kouluttajat@some-tyopajat.example").unwrap()];
    let mut all = Vec::new();
    for language in Language::ALL {
        for package in Package::ALL {
            for (long_names, phone, note) in [(false, true, true), (true, false, false)] {
                let order = order(language.code(), package.id(), long_names, phone);
                for (state, sequence) in [
                    (BookingState::Booked, 1),
                    (BookingState::Booked, 2),
                    (BookingState::Cancelled, 3),
                ] {
                    let booking = booking(state, sequence, note);
                    for audience in [Audience::Customer, Audience::Trainers] {
                        let context = BookingEmails {
                            trainers: &trainers,
                            organizer: ORGANIZER,
                            organizer_name: "Some-työpajat Oy",
                            roster: &roster,
                            phone: phone.then_some("+358 40 123 4567"),
                            customer_link: None,
                            terms: Default::default(),
                            now: at(60),
                        };
                        let name = format!(
                            "{} {} {:?} {:?} seq {sequence} long {long_names}",
                            language.code(),
                            package.id(),
                            audience,
                            state
                        );
                        all.push((name, invitation(&order, &booking, &context, audience)));
                    }
                }
            }
        }
    }
    all
}

#[test]
fn every_invitation_keeps_rfc_5546_for_its_method() {
    let all = every_invitation();
    assert_eq!(all.len(), 3 * 2 * 2 * 3 * 2);
    for (name, invitation) in &all {
        if let Err(broken) = conforms(invitation) {
            panic!("{name}: {broken}\n{}", invitation.calendar);
        }
    }
}

#[test]
fn the_conformance_check_fails_what_breaks_the_rules() {
    let (_, good) = every_invitation().remove(0);
    let broken = [
        good.calendar.replace("METHOD:REQUEST", "METHOD:PUBLISH"),
        good.calendar.replacen("ORGANIZER", "X-ORGANIZER", 1),
        good.calendar
            .replace("DTSTAMP:", "REQUEST-STATUS:2.0;Success\r\nDTSTAMP:"),
        good.calendar
            .replace("STATUS:CONFIRMED", "STATUS:CANCELLED"),
        good.calendar
            .replace("TZID=Europe/Helsinki", "TZID=Europe/Stockholm"),
        good.calendar.replace("\r\n", "\n"),
    ];
    for calendar in broken {
        let invitation = Invitation {
            calendar,
            ..good.clone()
        };
        let caught = std::panic::catch_unwind(|| conforms(&invitation));
        assert!(
            !matches!(caught, Ok(Ok(()))),
            "passed: {}",
            invitation.calendar
        );
    }
    let cancel = Invitation {
        method: InvitationMethod::Cancel,
        ..good.clone()
    };
    assert!(conforms(&cancel).is_err(), "a REQUEST sent as CANCEL");
}

#[test]
fn an_independent_parser_reads_every_invitation() {
    let all = every_invitation();
    let dir = std::env::temp_dir().join(unique("invitations"));
    std::fs::create_dir_all(&dir).unwrap();
    let paths: Vec<_> = (all.iter().enumerate())
        .map(|(i, (_, invitation))| {
            let path = dir.join(format!("{i}.ics"));
            std::fs::write(&path, &invitation.calendar).unwrap();
            path
        })
        .collect();
    let root = env!("CARGO_MANIFEST_DIR");
    let python = format!("{root}/.tools/venv-calendar/bin/python");
    let output = std::process::Command::new(&python)
        .arg(format!("{root}/tests/ical_check.py"))
        .args(&paths)
        .output()
        .unwrap_or_else(|e| {
            panic!("{python} does not run ({e}): run `make tools` (scripts/install-tools.sh test)")
        });
    assert!(
        output.status.success(),
        "the parser refused an invitation: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read: Vec<Value> = (String::from_utf8(output.stdout).unwrap().lines())
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(read.len(), all.len());
    for ((name, invitation), parsed) in all.iter().zip(&read) {
        assert_eq!(parsed["method"], invitation.method.as_str(), "{name}");
        assert_eq!(parsed["start_utc"], "2027-03-30T06:00:00Z", "{name}");
        assert_eq!(
            parsed["location"], "Kunnantalo; sali \"A\", 2.krs",
            "{name}"
        );
        assert_eq!(parsed["organizer"], format!("mailto:{ORGANIZER}"), "{name}");
        let attendees = parsed["attendees"].as_array().unwrap();
        assert_eq!(attendees.len(), 3, "two trainers and the customer: {name}");
        let summary = parsed["summary"].as_str().unwrap();
        assert!(
            summary.chars().count() <= MAX_SUMMARY_CHARS,
            "{name}: {summary}"
        );
        let description = parsed["description"].as_str().unwrap();
        assert!(description.contains("ZCYH-TXC5"), "the reference: {name}");
        let long_name = name.ends_with("long true");
        assert_eq!(
            summary.contains("Kuntayhtymä") || summary.contains("Tuusulan kunta"),
            name.contains("Trainers") && !long_name,
            "the organisation where it fits, in the trainers' title: {name}: {summary}"
        );
        if name.contains("Trainers") {
            assert!(
                description.contains("Tuusulan kunta") || long_name,
                "{name}"
            );
        }
    }
}

#[test]
fn the_titles_fit_60_characters_in_every_language() {
    for language in Language::ALL {
        for package in Package::ALL {
            let title = order_intake::texts::texts(language);
            let title = (title.package)(package).calendar_title;
            assert!(title.chars().count() <= MAX_SUMMARY_CHARS, "{title}");
            assert!(title.contains("Some-työpajat"), "{title}");
        }
    }
}
