//! The static order form's own words, one table per language like every other text.

table! {
    /// The static order form's own words (`web/build.py` writes the pages from them, through
    /// `web/form-data.json`); its fields' labels are `Labels`.
    pub struct FormPage {
        optional,
        terms_heading,
        prices,
        invoice_terms,
        /// The terms' cancellation sentence, from `CANCELLATION_FREE_DAYS` and
        /// `CANCELLATION_FEE_PERCENT` (`texts::cancellation_terms`); free of charge when 0 %.
        cancellation,
        cancellation_free,
        /// A cancellation fee's VAT after its amount (`CANCELLATION_FEE_VAT`, `FeeVat`): `+ alv`,
        /// or `(ei arvonlisäveroa)`.
        fee_vat_taxable,
        fee_vat_outside,
        contact,
        or,
        you_are_ordering,
        title,
        intro,
        trainers,
        languages_label,
        package_legend,
        vat0,
        with_vat,
        orderer_legend,
        business_id,
        business_id_help,
        workshop_legend,
        participants,
        participants_help,
        channels,
        dates,
        dates_help,
        date_1,
        date_2,
        date_3,
        message,
        billing_legend,
        einvoice_help,
        einvoice_operator_help,
        billing_reference_help,
        purchase_order_help,
        billing_address_help,
        invoice_address_help,
        honeypot,
        consent_before,
        consent_link,
        consent_after,
        submit,
    }
}
