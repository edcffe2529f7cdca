//! `POST /api/v2/add-dummy-status` bodies: valid ones for any cell of the status matrix, and
//! invalid ones breaking exactly one of its rules.

use idenfy_model::validation::SCAN_REF_MAX;
use idenfy_model::{AddDummyStatusRequest, DocumentStatus, FaceStatus, Rule};
use proptest::prelude::{Strategy, any};
use proptest::strategy::{BoxedStrategy, Union};
use rand::RngExt;

use crate::invalid::InvalidCase;
use crate::matrix::arb_triple;
use crate::seed::{SeededRng, rng_from_seed};
use crate::token::{pick, uuid_v4};
use crate::verification::scan_ref;

/// Valid `add-dummy-status` bodies: a `scanRef` from [`scan_ref`] and a manual result of the
/// matrix, shrinking toward `FACE_MATCH` and `DOC_VALIDATED`.
pub fn arb_add_dummy_status_request() -> impl Strategy<Value = AddDummyStatusRequest> + Clone {
    (arb_triple(), any::<u64>()).prop_map(|(triple, seed)| {
        triple.add_dummy_status_request(&scan_ref(&mut rng_from_seed(seed)))
    })
}

/// `add-dummy-status` bodies breaking exactly `rule`, or `None` when `rule` is not about them.
pub fn arb_invalid_add_dummy_status_request(
    rule: Rule,
) -> Option<BoxedStrategy<InvalidCase<AddDummyStatusRequest>>> {
    let breaker = breaker(rule)?;
    Some(
        (arb_add_dummy_status_request(), any::<u64>())
            .prop_map(move |(mut request, seed)| {
                let description = breaker(&mut request, &mut rng_from_seed(seed));
                InvalidCase {
                    rule,
                    description,
                    request,
                }
            })
            .boxed(),
    )
}

/// `add-dummy-status` bodies breaking any one of its rules.
pub fn arb_any_invalid_add_dummy_status_request()
-> BoxedStrategy<InvalidCase<AddDummyStatusRequest>> {
    Union::new(
        Rule::ALL
            .iter()
            .filter_map(|rule| arb_invalid_add_dummy_status_request(*rule)),
    )
    .boxed()
}

const UNKNOWN_FACE_RESULTS: &[&str] = &["MATCH", "face_match", "FACE_OK", "APPROVED"];
const UNKNOWN_DOCUMENT_RESULTS: &[&str] = &["VALID", "doc_validated", "DOC_OK", "APPROVED"];

/// Breaks one rule in a valid body, and says how.
type Breaker = fn(&mut AddDummyStatusRequest, &mut SeededRng) -> String;

fn breaker(rule: Rule) -> Option<Breaker> {
    let breaker: Breaker = match rule {
        Rule::ScanRefMissing => |r, _| {
            r.scan_ref.clear();
            "scanRef is empty".to_owned()
        },
        Rule::ScanRefTooLong => |r, rng| {
            let length = rng.random_range(SCAN_REF_MAX + 1..=SCAN_REF_MAX * 2);
            r.scan_ref = format!("{}-{}", r.scan_ref, uuid_v4(rng))
                .chars()
                .take(length)
                .collect();
            format!("scanRef is {length} characters long")
        },
        Rule::DummyFaceNotAccepted => |r, rng| {
            let all = FaceStatus::ALL;
            let refused = refused(all, FaceStatus::DUMMY_MANUAL, UNKNOWN_FACE_RESULTS);
            r.manual_face_match_result = pick(rng, &refused).clone();
            format!(
                "manualFaceMatchResult is {:?}, not one of the 11 dummy face results",
                r.manual_face_match_result.as_str()
            )
        },
        Rule::DummyDocumentNotAccepted => |r, rng| {
            let all = DocumentStatus::ALL;
            let refused = refused(all, DocumentStatus::DUMMY_MANUAL, UNKNOWN_DOCUMENT_RESULTS);
            r.manual_document_validity = pick(rng, &refused).clone();
            format!(
                "manualDocumentValidity is {:?}, not one of the 28 dummy document results",
                r.manual_document_validity.as_str()
            )
        },
        _ => return None,
    };
    Some(breaker)
}

/// The values of `all` not in `accepted` (`FACE_GLARED`, `NFC_FAILED`…), then the `unknown`
/// names.
fn refused<T>(all: &[T], accepted: &[T], unknown: &[&str]) -> Vec<T>
where
    T: Clone + PartialEq + std::str::FromStr<Err = std::convert::Infallible>,
{
    all.iter()
        .filter(|value| !accepted.contains(value))
        .cloned()
        .chain(unknown.iter().map(|name| match name.parse() {
            Ok(value) => value,
            Err(never) => match never {},
        }))
        .collect()
}
