//! Validated domain types: holding one means its checks passed.
pub mod dates;
pub mod enums;
pub mod invite_code;
pub mod login_code;
pub mod org_code;
pub mod password;
pub mod person_name;
pub mod phone;
pub mod text;

pub use dates::Year;
pub use enums::{
    Channel, ClaimStatus, CommitmentCategory, CommitmentStatus, DayKind, DeliveryStatus,
    DeputyLevel, HouseholdKind, ItemKind, ItemStatus, LeaderLevel, LeaveStatus, MemberStatus,
    OrgKind, PartyPost, PlanAction, PlanCategory, PlanStatus, PushKind, ReportStatus, Role,
    VolunteerKind,
};
pub use invite_code::{InviteCode, InviteKey};
pub use login_code::LoginCode;
pub use org_code::OrgCode;
pub use password::Password;
pub use person_name::PersonName;
pub use phone::Phone;
pub use text::{Lines, Text};
