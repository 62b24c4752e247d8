//! The SAM template and the code agree: the table's key and TTL attributes are the code's, and
//! every environment variable the function reads is set by the template.

use order_intake::store::{ORDER_TABLE_PARTITION_KEY, ORDER_TABLE_TTL_ATTRIBUTE};

fn template() -> String {
    std::fs::read_to_string(format!(
        "{}/infra/template.yaml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// The lines of the `OrdersTable` resource: from its name to the next line at its indent.
fn table_resource(template: &str) -> String {
    let lines: Vec<&str> = template
        .lines()
        .skip_while(|line| *line != "  OrdersTable:")
        .skip(1)
        .take_while(|line| line.starts_with("    ") || line.trim().is_empty())
        .collect();
    assert!(
        !lines.is_empty(),
        "no OrdersTable resource in infra/template.yaml"
    );
    lines.join("\n")
}

#[test]
fn the_template_declares_the_table_key_and_ttl_the_code_uses() {
    let table = table_resource(&template());
    let compact: String = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        compact.contains(&format!(
            "KeySchema: - AttributeName: {ORDER_TABLE_PARTITION_KEY} KeyType: HASH"
        )),
        "{table}"
    );
    assert!(
        compact.contains(&format!(
            "- AttributeName: {ORDER_TABLE_PARTITION_KEY} AttributeType: S"
        )),
        "{table}"
    );
    assert_eq!(
        compact.matches("KeyType:").count(),
        1,
        "a partition key only, as create_order_table makes it"
    );
    assert!(
        compact.contains(&format!(
            "TimeToLiveSpecification: AttributeName: {ORDER_TABLE_TTL_ATTRIBUTE} Enabled: true"
        )),
        "{table}"
    );
}

#[test]
fn the_template_sets_every_variable_the_function_reads() {
    let template = template();
    for variable in [
        "ORDERS_TABLE",
        "SENDER_EMAIL",
        "TRAINER_EMAILS",
        "ALLOWED_ORIGINS",
        "THANK_YOU_URL",
        "SES_CONFIGURATION_SET",
    ] {
        assert!(
            template.contains(&format!("          {variable}: ")),
            "{variable} is not set in infra/template.yaml"
        );
    }
}
