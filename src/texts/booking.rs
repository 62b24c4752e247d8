//! The booking's own texts: the trainers' booking page (Finnish only, `fi::BOOKING_PAGE`) and
//! a booking's time as each language writes it.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};

use super::fill;
use super::texts;
use crate::domain::{CancellationTerms, Language, fee_cents, format_amount};

table! {
    /// The booking page (the trainers', in Finnish).
    pub struct BookingPageTexts {
        title,
        summary_heading,
        preferred_dates,
        status_booked,
        status_cancelled,
        status_none,
        book_heading,
        change_heading,
        date,
        other_date,
        other_date_hint,
        start,
        end,
        place,
        trainers,
        note,
        note_hint,
        submit_book,
        submit_change,
        cancel_heading,
        reason,
        submit_cancel,
        done_booked,
        done_changed,
        done_cancelled,
        conflict,
        errors_heading,
        /// Before the page's title when the form has mistakes.
        error_prefix,
        link_refused_title,
        link_refused,
        link_expired,
        cross_site,
        not_found,
        unavailable,
        date_missing,
        date_invalid,
        date_in_past,
        start_invalid,
        end_invalid,
        end_not_after_start,
        place_missing,
        place_invalid,
        trainers_missing,
        trainer_unknown,
        note_invalid,
        reason_invalid,
        too_many_changes,
        already_started,
        end_hint,
        check_title,
        check_address,
        check_intro,
        check_send,
        check_back,
        check_bounced,
        check_complained,
        place_offer,
        other_place,
        waiting_heading,
        waiting_unverified,
        waiting_held,
        booking_undelivered,
        submit_release,
        done_released,
        release_not_waiting,
        sign_in_title,
        sign_in_who,
        sign_in_as,
        sign_in_sent,
        sign_in_confirm,
        sign_in_button,
        sign_in_refused,
        sign_in_limited,
        sign_in_failed,
        changed_by,
        by_operator,
    }
}

/// `la 16.1.2027`, `lö 16.1.2027`, `Saturday 16 January 2027` (a no-break space after the
/// weekday): a date with its weekday, which
/// a planner needs to see (a preferred date on a Saturday).
pub fn date_with_weekday(date: Date, language: Language) -> String {
    let words = &texts(language).words;
    let weekday = match date.weekday() {
        Weekday::Monday => words.monday,
        Weekday::Tuesday => words.tuesday,
        Weekday::Wednesday => words.wednesday,
        Weekday::Thursday => words.thursday,
        Weekday::Friday => words.friday,
        Weekday::Saturday => words.saturday,
        Weekday::Sunday => words.sunday,
    };
    let format = match language {
        Language::Fi | Language::Sv => "%-d.%-m.%Y",
        Language::En => "%-d %B %Y",
    };
    // A no-break space: the weekday never ends a line apart from its date (on a phone).
    format!("{weekday}\u{a0}{}", date.strftime(format))
}

/// `26.11.2026 klo 10.00`: when an order arrived, as the trainers (in Finnish) read it.
pub fn received_at(at: jiff::ZonedDateTime) -> String {
    let at_time = texts(Language::Fi).booking.at_time;
    at.strftime(&format!("%-d.%-m.%Y{at_time}%H.%M"))
        .to_string()
}

/// `ti 30.3.2027 klo 9.00–11.00`, `ti 30.3.2027 kl. 9.00–11.00`,
/// `Tuesday 30 March 2027, 9:00–11:00`.
pub fn when(start: DateTime, end: DateTime, language: Language) -> String {
    let time = match language {
        Language::Fi | Language::Sv => "%-H.%M",
        Language::En => "%-H:%M",
    };
    format!(
        "{}{}{}–{}",
        date_with_weekday(start.date(), language),
        texts(language).booking.at_time,
        start.strftime(time),
        end.strftime(time)
    )
}

/// What cancelling a workshop starting at `start` costs as of `now`, in `language`: free until
/// a day and then the fee, the fee since a day, or always free.
pub fn cancellation_line(
    terms: CancellationTerms,
    start: DateTime,
    net_cents: i64,
    now: Timestamp,
    language: Language,
) -> String {
    let t = &texts(language).order_page;
    if terms.fee_percent == 0 {
        return t.cancel_terms_free.to_owned();
    }
    let fee = format_amount(fee_cents(net_cents, terms.fee_percent), language);
    let date = date_with_weekday(terms.free_until(start), language);
    let text = match terms.fee_percent_at(start, now) {
        0 => t.cancel_terms,
        _ => t.cancel_terms_late,
    };
    let vat = fee_vat_words(terms.fee_vat, language);
    fill(text, &[("date", &date), ("fee", &fee), ("vat", vat)])
}

/// The terms' cancellation sentence in `language`, from the configured terms: what the form,
/// the confirmation and the customer's page say, and what a cancellation records.
pub fn cancellation_terms(terms: crate::domain::CancellationTerms, language: Language) -> String {
    let t = &texts(language).form;
    match terms.fee_percent {
        0 => t.cancellation_free.to_owned(),
        percent => fill(
            t.cancellation,
            &[
                ("free_days", &terms.free_days.to_string()),
                ("fee_percent", &percent.to_string()),
                ("vat", fee_vat_words(terms.fee_vat, language)),
            ],
        ),
    }
}

/// How a cancellation fee's VAT reads after its amount, in `language`.
pub fn fee_vat_words(vat: crate::domain::FeeVat, language: Language) -> &'static str {
    let t = &texts(language).form;
    match vat {
        crate::domain::FeeVat::Taxable => t.fee_vat_taxable,
        crate::domain::FeeVat::Outside => t.fee_vat_outside,
    }
}
