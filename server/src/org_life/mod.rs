//! Organisational life beyond the monthly meeting (扬组发〔2014〕29号 §二.1, §四.2): members'
//! political birthdays (政治生日), held collectively by the branch once a year, and open
//! Party affairs (党务公开): notices with read receipts and questions about them; and paired
//! organisations (结对共建) with joint activities.
pub mod birthdays;
pub mod demo;
pub mod error;
pub mod notices;
pub mod pairs;

pub use error::LifeError;

crate::domain::enums::slug_enum!(
    /// What a notice discloses.
    NoticeKind {
        Party = ("party", "党务"),
        Government = ("government", "政务"),
        Finance = ("finance", "财务"),
    }
);

crate::domain::enums::slug_enum!(
    /// Who a notice is for.
    Audience {
        Members = ("members", "本组织党员"),
        Subtree = ("subtree", "所属各级组织党员"),
        Public = ("public", "党员和社区群众"),
    }
);

crate::domain::enums::slug_enum!(
    /// What paired organisations did together besides joint activities.
    PairEntryKind {
        Exchange = ("exchange", "交流"),
        Help = ("help", "帮扶"),
    }
);
