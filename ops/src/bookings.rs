//! `orders book`, `orders cancel`, `orders release` and `orders upcoming`: the booking page's
//! use cases from the command line (same checks, same emails), and the coming bookings as a
//! table.

use std::fmt::Write as _;
use std::io::Write;

use crate::store::OrderRecord;
use jiff::{Timestamp, ToSpan};
use order_intake::domain::{
    BookingForm, BookingProblem, DEFAULT_START, Delivery, Field, Language, Package, default_end,
    helsinki,
};
use order_intake::intake::{BookingAction, OperatorAnswer, OperatorCommand};
use order_intake::texts::when;

use crate::cli::BookArgs;
use crate::{Operator, OpsError, parse_reference, refusal};

/// How far back `upcoming` looks for orders: a workshop is booked within months of its order.
const UPCOMING_ORDERS_MONTHS: i64 = 18;

impl Operator {
    pub(crate) async fn book(&self, asked: BookArgs, out: &mut dyn Write) -> Result<(), OpsError> {
        let record = self.record(&asked.reference).await?;
        let package = record.text(Field::Package).and_then(Package::parse);
        let hhmm = |time: jiff::civil::Time| time.strftime("%H:%M").to_string();
        let form = BookingForm {
            date: asked.date,
            start: asked.start.unwrap_or_else(|| hhmm(DEFAULT_START)),
            end: asked
                .end
                .or_else(|| package.map(|p| hhmm(default_end(p))))
                .unwrap_or_default(),
            place: asked
                .place
                .or_else(|| record.text(Field::Location).map(str::to_owned))
                .unwrap_or_default(),
            trainers: asked.trainers,
            note: asked.note.unwrap_or_default(),
        };
        self.booking_action(&record, BookingAction::Book(form), out)
            .await
    }

    pub(crate) async fn cancel(
        &self,
        reference: &str,
        reason: String,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let record = self.record(reference).await?;
        self.booking_action(&record, BookingAction::Cancel { reason }, out)
            .await
    }

    /// Sends each order's waiting confirmation; the first that cannot be read stops the run
    /// (those before it are done and said so).
    pub(crate) async fn release(
        &self,
        references: &[String],
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let desk = self.desk("release")?;
        let mut unsent = 0;
        for reference in references {
            let reference = parse_reference(reference)?.to_string();
            match desk
                .run(OperatorCommand::Release {
                    reference: reference.clone(),
                })
                .await?
            {
                OperatorAnswer::Sent { status } if status == Delivery::SENT_STATUS => {
                    writeln!(out, "{reference}: confirmation sent")?;
                }
                OperatorAnswer::Sent { status } => {
                    unsent += 1;
                    writeln!(
                        out,
                        "{reference}: confirmation {status}: the retry run sends it"
                    )?;
                }
                OperatorAnswer::NotWaiting { status } => {
                    writeln!(
                        out,
                        "{reference}: nothing to release (confirmation {status})"
                    )?;
                }
                other => return Err(refusal(other)),
            }
        }
        match unsent {
            0 => Ok(()),
            n => Err(OpsError::Usage(format!("{n} confirmation(s) not sent now"))),
        }
    }

    async fn booking_action(
        &self,
        record: &OrderRecord,
        action: BookingAction,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let desk = self.desk("booking")?;
        let reference = parse_reference(&record.reference)?;
        let expected = record.booking.as_ref().map_or(0, |b| b.sequence);
        let command = match action {
            BookingAction::Book(form) => OperatorCommand::Book {
                reference: reference.to_string(),
                expected,
                form,
            },
            BookingAction::Cancel { reason } => OperatorCommand::Cancel {
                reference: reference.to_string(),
                expected,
                reason,
            },
        };
        match desk.run(command).await? {
            OperatorAnswer::Booked {
                booking_email,
                booking_note,
            } => {
                let record = self.record(reference.as_str()).await?;
                let booking = record.booking.as_ref().ok_or_else(|| {
                    OpsError::Usage(format!("{reference}: the booking is not there after all"))
                })?;
                let state = if booking.is_booked() {
                    "booked"
                } else {
                    "cancelled"
                };
                writeln!(
                    out,
                    "{reference}: {state} {} at {} ({}); booking email {booking_email}, trainers' note {booking_note}",
                    when(booking.start, booking.end, Language::Fi),
                    booking.place,
                    booking.trainers.join(", "),
                )?;
                Ok(())
            }
            OperatorAnswer::Conflict => Err(OpsError::Usage(format!(
                "the booking of {reference} changed meanwhile; look at it with: orders show {reference}"
            ))),
            OperatorAnswer::Invalid { problems } => Err(OpsError::Usage(
                problems
                    .iter()
                    .map(|p| problem(*p))
                    .collect::<Vec<_>>()
                    .join("; "),
            )),
            other => Err(refusal(other)),
        }
    }

    pub(crate) async fn upcoming(
        &self,
        now: Timestamp,
        out: &mut dyn Write,
    ) -> Result<(), OpsError> {
        let since = now
            .to_zoned_datetime(helsinki())
            .checked_sub(UPCOMING_ORDERS_MONTHS.months())
            .map_or(Timestamp::MIN, |z| z.timestamp());
        let records = self.stores.listings.orders_between(since, now).await?;
        Ok(out.write_all(upcoming_table(&records, now).as_bytes())?)
    }
}

/// A booking problem as the operator reads it.
fn problem(problem: BookingProblem) -> &'static str {
    match problem {
        BookingProblem::DateMissing => "--date is missing",
        BookingProblem::DateInvalid => "--date is not a date (2027-03-30 or 30.3.2027)",
        BookingProblem::DateInPast => "--date is in the past",
        BookingProblem::StartInvalid => "--start is not a time that exists that day (9.00)",
        BookingProblem::EndInvalid => "--end is not a time that exists that day (11.00)",
        BookingProblem::EndNotAfterStart => "--end must be after --start",
        BookingProblem::PlaceMissing => "--place is missing (the order has none)",
        BookingProblem::PlaceInvalid => "--place is too long (200) or has control characters",
        BookingProblem::TrainersMissing => "--trainer is missing",
        BookingProblem::TrainerUnknown => "--trainer is not one of TRAINERS",
        BookingProblem::NoteInvalid => "--note is too long (1000) or has control characters",
        BookingProblem::ReasonInvalid => "--reason is empty or too long (500)",
        BookingProblem::TooManyChanges => "too many changes by link (an operator is not limited)",
        BookingProblem::AlreadyStarted => {
            "the workshop has started (an operator may still change it)"
        }
    }
}

/// The coming bookings, soonest first: date, weekday and time, organisation, place, trainers,
/// reference.
pub fn upcoming_table(records: &[OrderRecord], now: Timestamp) -> String {
    let mut booked: Vec<_> = (records.iter())
        .filter_map(|r| Some((r, r.booking.as_ref()?)))
        .filter(|(_, b)| b.is_booked() && b.end_utc() > now)
        .collect();
    booked.sort_by_key(|(_, b)| b.start);
    let mut out = String::new();
    if booked.is_empty() {
        let _ = writeln!(out, "no coming bookings");
        return out;
    }
    let _ = writeln!(
        out,
        "{:<28}  {:<30}  {:<30}  {:<28}  reference",
        "when", "organisation", "place", "trainers"
    );
    for (record, booking) in booked {
        let _ = writeln!(
            out,
            "{:<28}  {:<30}  {:<30}  {:<28}  {}",
            when(booking.start, booking.end, Language::Fi),
            crate::format::printable(record.text(Field::Organization).unwrap_or("-")),
            crate::format::printable(&booking.place),
            booking.trainers.join(", "),
            record.reference
        );
    }
    out
}
