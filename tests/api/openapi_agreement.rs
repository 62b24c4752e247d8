//! openapi.yaml describes what the code does: the same fields, the same error codes.

use std::collections::BTreeSet;

use order_intake::domain::{ErrorCode, Field, Language, Package, ValueKind};
use order_intake::http::RequestError;

fn openapi() -> serde_norway::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.yaml");
    serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn strings(value: &serde_norway::Value) -> BTreeSet<String> {
    value
        .as_sequence()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn the_order_schema_has_exactly_the_fields_the_parser_reads() {
    let spec = openapi();
    let schemas = &spec["components"]["schemas"];
    let keys = |schema: &serde_norway::Value| -> BTreeSet<String> {
        schema["properties"]
            .as_mapping()
            .unwrap()
            .keys()
            .map(|k| k.as_str().unwrap().to_owned())
            .collect()
    };
    // The fields both body kinds share, and consent, which each states its own way.
    let mut documented = keys(&schemas["OrderFields"]);
    for body in ["Order", "FormOrder"] {
        assert_eq!(
            keys(&schemas[body]["allOf"][1]),
            BTreeSet::from(["privacy_consent".to_owned()]),
            "{body}"
        );
    }
    documented.insert("privacy_consent".to_owned());
    let read: BTreeSet<String> = Field::ALL.iter().map(|f| f.name().to_owned()).collect();
    assert_eq!(documented, read);
}

#[test]
fn the_error_codes_are_the_ones_the_code_answers_with() {
    let spec = openapi();
    let schemas = &spec["components"]["schemas"];
    let request: BTreeSet<String> = RequestError::codes()
        .into_iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        strings(&schemas["Error"]["properties"]["error"]["enum"]),
        request
    );
    let field: BTreeSet<String> = ErrorCode::EVERY_KIND
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    assert_eq!(
        strings(
            &schemas["ValidationError"]["properties"]["errors"]["items"]["properties"]["code"]["enum"]
        ),
        field
    );
}

#[test]
fn each_order_value_has_its_shape_limits_and_choices_in_the_schema() {
    let spec = openapi();
    let fields = &spec["components"]["schemas"]["OrderFields"];
    let properties = &fields["properties"];
    for field in Field::order_values() {
        let schema = &properties[field.name()];
        let types: Vec<&str> = match schema["oneOf"].as_sequence() {
            Some(options) => options.iter().filter_map(|o| o["type"].as_str()).collect(),
            None => schema["type"].as_str().into_iter().collect(),
        };
        let expected = match field.value_kind() {
            ValueKind::Text => "string",
            ValueKind::Count => "integer",
            ValueKind::List => "array",
        };
        assert!(types.contains(&expected), "{field}: {types:?}");
        if let (Some(length), Some(max)) = (field.length(), schema["maxLength"].as_u64()) {
            assert_eq!(max, length.max as u64, "{field}'s maxLength");
        }
    }
    let ids: BTreeSet<String> = Package::ALL.iter().map(|p| p.id().to_owned()).collect();
    assert_eq!(strings(&properties["package"]["enum"]), ids);
    let codes: BTreeSet<String> = Language::ALL.iter().map(|l| l.code().to_owned()).collect();
    assert_eq!(strings(&properties["language"]["enum"]), codes);
    let required: BTreeSet<String> = (Field::order_values())
        .filter(|field| field.required())
        .map(|field| field.name().to_owned())
        .collect();
    assert_eq!(strings(&fields["required"]), required);
}

#[test]
fn every_route_of_the_template_is_described() {
    let template: serde_norway::Value = serde_norway::from_str(
        &std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/infra/template.yaml"))
            .unwrap(),
    )
    .unwrap();
    let events = template["Resources"]["OrderFunction"]["Properties"]["Events"]
        .as_mapping()
        .unwrap();
    let spec = openapi();
    let mut routes = 0;
    for event in events.values().filter(|e| e["Type"] == "HttpApi") {
        let path = event["Properties"]["Path"].as_str().unwrap();
        let method = event["Properties"]["Method"]
            .as_str()
            .unwrap()
            .to_lowercase();
        if method == "options" {
            continue; // the CORS preflight, answered by the function for every path it serves
        }
        routes += 1;
        assert!(
            spec["paths"][path][method.as_str()].is_mapping(),
            "{method} {path} is routed by infra/template.yaml but not in openapi.yaml"
        );
    }
    assert!(routes >= 4, "{routes} routes");
}
