//! Reads of many items: a month of the by-month index, every page of a query.

use aws_sdk_dynamodb::operation::query::builders::QueryFluentBuilder;

use super::{BY_MONTH_INDEX, DynamoDbStore, unavailable};
use crate::store::Result;
use crate::store::codec::{Item, s};
use crate::store::item::{CREATED_MS_ATTRIBUTE, ORDER_MONTH_ATTRIBUTE};

impl DynamoDbStore {
    /// A query of one month of the by-month index (the caller adds its key condition).
    pub fn month_query(&self, month: &str) -> QueryFluentBuilder {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(BY_MONTH_INDEX)
            .expression_attribute_names("#month", ORDER_MONTH_ATTRIBUTE)
            .expression_attribute_names("#created", CREATED_MS_ATTRIBUTE)
            .expression_attribute_values(":month", s(month))
    }
}

/// Every item a query finds, page after page, up to `limit`.
pub async fn query_items(query: QueryFluentBuilder, limit: Option<usize>) -> Result<Vec<Item>> {
    let mut pages = query.into_paginator().items().send();
    let mut items = Vec::new();
    while limit.is_none_or(|limit| items.len() < limit) {
        match pages.next().await {
            Some(item) => items.push(item.map_err(unavailable)?),
            None => break,
        }
    }
    Ok(items)
}
