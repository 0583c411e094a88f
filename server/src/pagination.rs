use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

const DEFAULT_PER_PAGE: u64 = 50;
pub const MAX_PER_PAGE: u64 = 100;
/// No list is this long; a larger page number is a mistake or an attack on the offset.
pub const MAX_PAGE: u64 = 100_000;

/// A page number 1–`MAX_PAGE`, refused at extraction (400 `request.invalid_query`) rather
/// than multiplied into an offset that overflows.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u64")]
pub struct PageNumber(u64);

impl TryFrom<u64> for PageNumber {
    type Error = String;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        if (1..=MAX_PAGE).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("page must be 1–{MAX_PAGE}"))
        }
    }
}

impl PageNumber {
    /// Zero-based.
    pub fn index(self) -> u64 {
        self.0 - 1
    }
}

/// A page size 1–`MAX_PER_PAGE`, refused at extraction otherwise.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(try_from = "u64")]
pub struct PerPage(u64);

impl TryFrom<u64> for PerPage {
    type Error = String;
    fn try_from(value: u64) -> Result<Self, Self::Error> {
        if (1..=MAX_PER_PAGE).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("per_page must be 1–{MAX_PER_PAGE}"))
        }
    }
}

/// `?page=1&per_page=50`; pages count from 1, `per_page` is 1–100.
#[derive(Debug, Deserialize, IntoParams)]
pub struct PageQuery {
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100_000)]
    pub page: Option<PageNumber>,
    #[param(value_type = Option<u64>, minimum = 1, maximum = 100)]
    pub per_page: Option<PerPage>,
}

impl PageQuery {
    /// Zero-based page index and page size.
    pub fn resolve(&self) -> (u64, u64) {
        let per_page = self.per_page.map_or(DEFAULT_PER_PAGE, |p| p.0);
        let index = self.page.map_or(0, PageNumber::index);
        (index, per_page)
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u64,
    pub per_page: u64,
    pub total: u64,
}
