//! The order table as `infra/template.yaml` declares it. `make dev` and the tests create their
//! tables from the template's own `OrdersTable` properties, so there is one definition.

use std::collections::HashMap;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, CreateGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, TimeToLiveSpecification,
};
use serde::Deserialize;

use super::Result;
use super::dynamodb::{build_error, unavailable};

/// The parts of an `AWS::DynamoDB::Table`'s properties that shape the data.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TableSpec {
    pub attribute_definitions: Vec<AttributeSpec>,
    pub key_schema: Vec<KeySpec>,
    pub time_to_live_specification: Option<TtlSpec>,
    #[serde(default)]
    pub global_secondary_indexes: Vec<IndexSpec>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeSpec {
    pub attribute_name: String,
    pub attribute_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeySpec {
    pub attribute_name: String,
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TtlSpec {
    pub attribute_name: String,
    pub enabled: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IndexSpec {
    pub index_name: String,
    pub key_schema: Vec<KeySpec>,
    pub projection: ProjectionSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ProjectionSpec {
    pub projection_type: String,
    #[serde(default)]
    pub non_key_attributes: Vec<String>,
}

#[derive(Deserialize)]
struct Template {
    #[serde(rename = "Resources")]
    resources: HashMap<String, serde_norway::Value>,
}

impl TableSpec {
    /// The properties of the resource named `resource` in a CloudFormation/SAM template.
    pub fn from_template(yaml: &str, resource: &str) -> Result<TableSpec, String> {
        let template: Template =
            serde_norway::from_str(yaml).map_err(|e| format!("template: {e}"))?;
        let properties = template
            .resources
            .get(resource)
            .and_then(|r| r.get("Properties"))
            .ok_or_else(|| format!("template has no {resource} with Properties"))?;
        serde_norway::from_value(properties.clone()).map_err(|e| format!("{resource}: {e}"))
    }

    /// The order table of `infra/template.yaml` in this repository.
    pub fn from_repository_template() -> Result<TableSpec, String> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/infra/template.yaml");
        let yaml = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
        TableSpec::from_template(&yaml, "OrdersTable")
    }

    pub fn partition_key(&self) -> Option<&str> {
        self.key_schema
            .iter()
            .find(|k| k.key_type == "HASH")
            .map(|k| k.attribute_name.as_str())
    }
}

fn key_schema(keys: &[KeySpec]) -> Result<Vec<KeySchemaElement>> {
    keys.iter()
        .map(|k| {
            KeySchemaElement::builder()
                .attribute_name(&k.attribute_name)
                .key_type(KeyType::from(k.key_type.as_str()))
                .build()
                .map_err(build_error)
        })
        .collect()
}

fn projection(index: &IndexSpec) -> Projection {
    Projection::builder()
        .projection_type(ProjectionType::from(
            index.projection.projection_type.as_str(),
        ))
        .set_non_key_attributes(
            Some(index.projection.non_key_attributes.clone()).filter(|a| !a.is_empty()),
        )
        .build()
}

fn global_secondary_index(index: &IndexSpec) -> Result<GlobalSecondaryIndex> {
    GlobalSecondaryIndex::builder()
        .index_name(&index.index_name)
        .set_key_schema(Some(key_schema(&index.key_schema)?))
        .projection(projection(index))
        .build()
        .map_err(build_error)
}

/// Creates a table as the spec describes (on demand), with its TTL; an existing table is kept.
pub async fn create_order_table(client: &Client, table: &str, spec: &TableSpec) -> Result<()> {
    let attributes: Vec<AttributeDefinition> = spec
        .attribute_definitions
        .iter()
        .map(|a| {
            AttributeDefinition::builder()
                .attribute_name(&a.attribute_name)
                .attribute_type(ScalarAttributeType::from(a.attribute_type.as_str()))
                .build()
                .map_err(build_error)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let indexes = spec
        .global_secondary_indexes
        .iter()
        .map(global_secondary_index)
        .collect::<Result<Vec<_>, _>>()?;
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .set_attribute_definitions(Some(attributes.clone()))
        .set_key_schema(Some(key_schema(&spec.key_schema)?))
        .set_global_secondary_indexes(Some(indexes).filter(|i| !i.is_empty()))
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(error)
            if error
                .as_service_error()
                .is_some_and(|e| e.is_resource_in_use_exception()) =>
        {
            return add_missing_indexes(client, table, spec, attributes).await;
        }
        Err(error) => return Err(unavailable(error)),
    }
    match &spec.time_to_live_specification {
        Some(ttl) if ttl.enabled => enable_ttl(client, table, &ttl.attribute_name).await,
        _ => Ok(()),
    }
}

/// A table made by an older version (make dev keeps its data) gets the indexes added since,
/// one per call as DynamoDB requires.
async fn add_missing_indexes(
    client: &Client,
    table: &str,
    spec: &TableSpec,
    attributes: Vec<AttributeDefinition>,
) -> Result<()> {
    let described = client
        .describe_table()
        .table_name(table)
        .send()
        .await
        .map_err(unavailable)?;
    let existing: Vec<String> = described
        .table()
        .map(|t| t.global_secondary_indexes())
        .unwrap_or_default()
        .iter()
        .filter_map(|index| index.index_name().map(str::to_owned))
        .collect();
    for index in &spec.global_secondary_indexes {
        if existing.contains(&index.index_name) {
            continue;
        }
        let create = CreateGlobalSecondaryIndexAction::builder()
            .index_name(&index.index_name)
            .set_key_schema(Some(key_schema(&index.key_schema)?))
            .projection(projection(index))
            .build()
            .map_err(build_error)?;
        client
            .update_table()
            .table_name(table)
            .set_attribute_definitions(Some(attributes.clone()))
            .global_secondary_index_updates(
                GlobalSecondaryIndexUpdate::builder().create(create).build(),
            )
            .send()
            .await
            .map_err(unavailable)?;
    }
    Ok(())
}

async fn enable_ttl(client: &Client, table: &str, attribute: &str) -> Result<()> {
    let specification = TimeToLiveSpecification::builder()
        .attribute_name(attribute)
        .enabled(true)
        .build()
        .map_err(build_error)?;
    client
        .update_time_to_live()
        .table_name(table)
        .time_to_live_specification(specification)
        .send()
        .await
        .map_err(unavailable)?;
    Ok(())
}
