//! The shape of a generated token request: which of its optional fields it carries, one bit
//! per field, drawn so that shrinking removes fields one at a time.

use proptest::bits;
use proptest::bool::weighted;
use proptest::prelude::Strategy;
use proptest::strategy::{NewTree, ValueTree};
use proptest::test_runner::TestRunner;
use rand::RngExt;

/// Which optional fields a request carries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    common: u64,
    advanced: u32,
    /// One bit per feature override, in the order `token::apply_features` sets them.
    pub(crate) features: u64,
}

/// Optional fields most integrations send, one bit each in `Shape::common`.
#[derive(Clone, Copy)]
pub(crate) enum Common {
    FirstName,
    LastName,
    SuccessUrl,
    ErrorUrl,
    UnverifiedUrl,
    CallbackUrl,
    Locale,
    ShowInstructions,
    ExpiryTime,
    SessionLength,
    Country,
    Documents,
    DateOfBirth,
    DateOfExpiry,
    DateOfIssue,
    Nationality,
    PersonalNumber,
    DocumentNumber,
    Sex,
    Address,
    GenerateDigitString,
    ExternalRef,
    DummyStatus,
}

const COMMON_COUNT: u32 = Common::DummyStatus as u32 + 1;

/// Fields few integrations send, one bit each in `Shape::advanced`.
#[derive(Clone, Copy)]
pub(crate) enum Advanced {
    VideoCallQuestions,
    UtilityBill,
    AdditionalSteps,
    AdditionalData,
    Questionnaire,
    QuestionnaireRequired,
    RiskAssessmentProfile,
    Theme,
    RegistryCentersCountries,
    AgeLimit,
    AgeMax,
}

const ADVANCED_COUNT: usize = Advanced::AgeMax as usize + 1;

/// The feature overrides: 29 flags, then six valued settings.
const FEATURE_COUNT: usize = 35;

impl Shape {
    /// Whether the request carries the common field.
    pub(crate) fn has(self, field: Common) -> bool {
        self.common >> field as u32 & 1 == 1
    }

    /// Whether the request carries the advanced field.
    pub(crate) fn has_advanced(self, field: Advanced) -> bool {
        self.advanced >> field as u32 & 1 == 1
    }
}

/// Shapes: each common field present half of the time; in half of the requests one to three
/// advanced fields; in a quarter one to four feature overrides.
pub(crate) fn arb_shape() -> impl Strategy<Value = Shape> + Clone {
    // A weighted switch beside each sampled set: shrinking turns the switch off first, which
    // removes the whole group, then clears single bits.
    (
        HalfBits {
            width: COMMON_COUNT,
        },
        weighted(0.5),
        bits::u32::sampled(1..=3, 0..ADVANCED_COUNT),
        weighted(0.25),
        bits::u64::sampled(1..=4, 0..FEATURE_COUNT),
    )
        .prop_map(
            |(common, with_advanced, advanced, with_features, features)| Shape {
                common,
                advanced: if with_advanced { advanced } else { 0 },
                features: if with_features { features } else { 0 },
            },
        )
}

/// Sets of the low `width` bits, each bit set with probability one half: proptest's
/// `BitSetStrategy`, drawn with one random number instead of one per bit.
#[derive(Debug, Clone, Copy)]
struct HalfBits {
    width: u32,
}

/// Shrinks by clearing one set bit at a time, lowest first.
#[derive(Debug, Clone, Copy)]
struct HalfBitsTree {
    bits: u64,
    /// The lowest bit not yet tried.
    next: u32,
    /// The bit the last simplification cleared.
    cleared: Option<u32>,
}

impl Strategy for HalfBits {
    type Tree = HalfBitsTree;
    type Value = u64;

    fn new_tree(&self, runner: &mut TestRunner) -> NewTree<Self> {
        let mask = u64::MAX >> (64 - self.width.clamp(1, 64));
        Ok(HalfBitsTree {
            bits: runner.rng().random::<u64>() & mask,
            next: 0,
            cleared: None,
        })
    }
}

impl ValueTree for HalfBitsTree {
    type Value = u64;

    fn current(&self) -> u64 {
        self.bits
    }

    fn simplify(&mut self) -> bool {
        while self.next < 64 && self.bits >> self.next & 1 == 0 {
            self.next += 1;
        }
        if self.next == 64 {
            self.cleared = None;
            return false;
        }
        self.bits &= !(1 << self.next);
        self.cleared = Some(self.next);
        self.next += 1;
        true
    }

    fn complicate(&mut self) -> bool {
        match self.cleared.take() {
            Some(bit) => {
                self.bits |= 1 << bit;
                true
            }
            None => false,
        }
    }
}
