use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_PER_PAGE: u64 = 50;
const MAX_PER_PAGE: u64 = 200;

/// `?page=1&per_page=50`; pages count from 1, `per_page` is capped at 200.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl PageQuery {
    /// Zero-based page index and page size, with out-of-range values clamped.
    pub fn resolve(&self) -> (u64, u64) {
        let per_page = self
            .per_page
            .unwrap_or(DEFAULT_PER_PAGE)
            .clamp(1, MAX_PER_PAGE);
        let page = self.page.unwrap_or(1).max(1);
        (page - 1, per_page)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}
