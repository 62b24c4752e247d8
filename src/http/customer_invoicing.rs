//! Correcting the invoicing details from the customer's own page: the check step lists each
//! change (old → new), then (with `checked=1`) they are saved through the operator's own
//! correction and the customer and the trainers are told. Refused once an invoice is issued.

use lambda_http::http::StatusCode;
use lambda_http::{Body, Response};

use super::app::App;
use super::booking::Posted;
use super::customer::{page_with_invoicing, refused};
use super::customer_check::{CheckPage, page_link};
use super::response::see_other;
use crate::domain::{CUSTOMER_INVOICING_FIELDS, Field, Language, Order};
use crate::intake::{Deadline, FieldChange, InvoicingOutcome};
use crate::texts::{label, texts};

/// The posted invoicing fields (those the page has; absent ones are left as they are).
fn given(posted: &Posted) -> Vec<(Field, String)> {
    (CUSTOMER_INVOICING_FIELDS.iter())
        .filter_map(|field| {
            let value = posted.all(field.name()).into_iter().next()?;
            Some((*field, value))
        })
        .collect()
}

/// The check step, or (checked) the correction.
pub(super) async fn correct(
    app: &App,
    posted: &Posted,
    language: Language,
    deadline: Deadline,
) -> Response<Body> {
    let token = posted.get("token");
    let given = given(posted);
    if posted.get("checked") != "1" {
        return match app.customer.check_invoicing(&token, &given).await {
            Ok(Ok((order, changes))) => check_page(&order, &changes, &given, &token),
            Ok(Err(outcome)) => not_done(app, &token, &outcome, &given, language).await,
            Err(error) => refused(&error, language),
        };
    }
    match (app.customer)
        .correct_invoicing(&token, &given, deadline)
        .await
    {
        Ok(InvoicingOutcome::Done(_)) => see_other(&page_link(&token, Some("invoicing"))),
        Ok(outcome) => not_done(app, &token, &outcome, &given, language).await,
        Err(error) => refused(&error, language),
    }
}

fn check_page(
    order: &Order,
    changes: &[FieldChange],
    given: &[(Field, String)],
    token: &str,
) -> Response<Body> {
    let language = order.details.language;
    let t = &texts(language).order_page;
    let shown = |value: &Option<String>| value.clone().unwrap_or_else(|| "–".to_owned());
    let lines = (changes.iter())
        .map(|(field, old, new)| {
            format!(
                "{}: {} → {}",
                label(*field, language),
                shown(old),
                shown(new)
            )
        })
        .collect();
    let mut hidden = vec![
        ("token", token.to_owned()),
        ("sequence", "0".to_owned()),
        ("action", "invoicing".to_owned()),
    ];
    hidden.extend(
        given
            .iter()
            .map(|(field, value)| (field.name(), value.clone())),
    );
    CheckPage {
        lang: language.code(),
        title: t.check_invoicing_title,
        reference: order.reference.to_string(),
        lines,
        hidden,
        danger: false,
        confirm: t.check_invoicing_confirm,
        back: page_link(token, None),
        back_label: t.check_invoicing_back,
    }
    .response()
}

/// Not saved: nothing changed, an invoice is current, or the form's mistakes (the page again
/// with what was posted and each mistake by its field).
async fn not_done(
    app: &App,
    token: &str,
    outcome: &InvoicingOutcome,
    given: &[(Field, String)],
    language: Language,
) -> Response<Body> {
    let order = match app.customer.show(token).await {
        Ok(order) => order,
        Err(error) => return refused(&error, language),
    };
    let t = &texts(order.details.language).order_page;
    let (status, message, errors) = match outcome {
        InvoicingOutcome::Invalid(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            t.invoicing_invalid,
            errors.as_slice(),
        ),
        InvoicingOutcome::Invoiced => (StatusCode::CONFLICT, t.invoicing_locked, &[][..]),
        _ => (StatusCode::OK, t.invoicing_unchanged, &[][..]),
    };
    page_with_invoicing(
        app,
        &order,
        token,
        status,
        Some(message),
        Some(given),
        errors,
    )
}
