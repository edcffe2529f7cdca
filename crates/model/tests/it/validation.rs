//! Every validation rule at its boundaries: valid just inside, invalid just outside.

use idenfy_model::*;

fn base() -> TokenRequest {
    TokenRequest::new("client-1")
}

/// Applies `edit` to a valid request and asserts exactly `expected` rules are reported.
fn check(edit: impl FnOnce(&mut TokenRequest), expected: &[Rule]) {
    let mut request = base();
    edit(&mut request);
    let rules: Vec<Rule> = request.validate().iter().map(|v| v.rule).collect();
    assert_eq!(rules, expected, "for {request:?}");
}

fn text(len: usize) -> String {
    "a".repeat(len)
}

#[test]
fn client_id() {
    check(|r| r.client_id = text(100), &[]);
    check(|r| r.client_id = text(101), &[Rule::ClientIdTooLong]);
    check(|r| r.client_id = String::new(), &[Rule::ClientIdMissing]);
    check(
        |r| r.client_id = "kliento-Nr-ą".into(),
        &[Rule::ClientIdNotAscii],
    );
    assert_eq!(
        Rule::ClientIdMissing.identifier(),
        ErrorIdentifier::MissingValue
    );
}

#[test]
fn names() {
    check(|r| r.first_name = Some(text(100)), &[]);
    check(
        |r| r.first_name = Some("Jean-Luc O'Neil Ąžuolas".into()),
        &[],
    );
    check(|r| r.last_name = Some(text(101)), &[Rule::NameLength]);
    check(|r| r.last_name = Some(String::new()), &[Rule::NameLength]);
    check(
        |r| r.first_name = Some("John2".into()),
        &[Rule::NameCharacters],
    );
    for forbidden in "~!@#$%^*()_+={}[]|:;\",<>/?".chars() {
        check(
            |r| r.first_name = Some(format!("Jo{forbidden}hn")),
            &[Rule::NameCharacters],
        );
    }
}

#[test]
fn urls() {
    check(|r| r.success_url = Some("http://a".into()), &[]);
    check(
        |r| r.success_url = Some(format!("https://example.com/{}", text(2048 - 20))),
        &[],
    );
    check(
        |r| r.error_url = Some(format!("https://example.com/{}", text(2048 - 19))),
        &[Rule::UrlLength],
    );
    check(
        |r| r.error_url = Some("ftp://example.com".into()),
        &[Rule::UrlScheme],
    );
    check(
        |r| r.unverified_url = Some("/relative".into()),
        &[Rule::UrlScheme],
    );
    check(
        |r| r.unverified_url = Some("a:b".into()),
        &[Rule::UrlLength, Rule::UrlScheme],
    );
    check(
        |r| r.callback_url = Some("https://hooks.example.com/idenfy".into()),
        &[],
    );
    check(
        |r| r.callback_url = Some("http://hooks.example.com/idenfy".into()),
        &[Rule::CallbackUrlNotHttps],
    );
}

#[test]
fn only_the_simulator_profile_accepts_plain_http_callbacks_to_loopback() {
    use idenfy_model::validation::ValidationProfile;
    let rules = |url: &str, profile: ValidationProfile| -> Vec<Rule> {
        let mut request = base();
        request.callback_url = Some(url.to_owned());
        assert_eq!(
            request.validate_with(ValidationProfile::Dev),
            request.validate(),
            "validate() is the DEV profile"
        );
        let violations = request.validate_with(profile);
        for violation in &violations {
            assert_eq!(violation.field, "callbackUrl");
        }
        violations.iter().map(|v| v.rule).collect()
    };
    let refused = [Rule::CallbackUrlNotHttps];
    for url in [
        "http://127.0.0.1:9000/hook",
        "http://127.1.2.3/hook",
        "http://localhost/hook",
        "http://LOCALHOST:8080/hook",
        "http://[::1]:80/hook",
    ] {
        assert_eq!(rules(url, ValidationProfile::Dev), refused, "{url}");
        assert_eq!(rules(url, ValidationProfile::Simulator), [], "{url}");
    }
    for url in [
        "http://hooks.example.com/idenfy",
        "http://10.0.0.5/hook",
        "http://localhost.example.com/hook",
        "http://[::2]/hook",
    ] {
        assert_eq!(rules(url, ValidationProfile::Dev), refused, "{url}");
        assert_eq!(rules(url, ValidationProfile::Simulator), refused, "{url}");
    }
    for url in ["https://hooks.example.com/idenfy", "https://127.0.0.1/hook"] {
        assert_eq!(rules(url, ValidationProfile::Dev), [], "{url}");
        assert_eq!(rules(url, ValidationProfile::Simulator), [], "{url}");
    }
    let message = |profile| {
        let mut request = base();
        request.callback_url = Some("http://hooks.example.com/idenfy".into());
        request.validate_with(profile).remove(0).message
    };
    assert_eq!(
        message(ValidationProfile::Dev),
        "Field 'callbackUrl' must be an HTTPS URL."
    );
    assert_eq!(
        message(ValidationProfile::Simulator),
        "Field 'callbackUrl' must be an HTTPS URL (plain http is accepted for loopback hosts only)."
    );
}

#[test]
fn https_or_loopback_is_the_one_plain_http_allowance() {
    use idenfy_model::validation::is_https_or_loopback;
    let check = |url: &str, expected: bool| {
        let parsed = url::Url::parse(url).unwrap();
        assert_eq!(is_https_or_loopback(&parsed), expected, "{url}");
    };
    check("https://ivs.idenfy.com", true);
    check("https://127.0.0.1", true);
    check("http://127.0.0.1:8080", true);
    check("http://localhost", true);
    check("http://[::1]", true);
    check("http://ivs.idenfy.com", false);
    check("http://0.0.0.0", false);
    check("ftp://localhost", false);
    check("ws://127.0.0.1", false);
}

#[test]
fn locale() {
    check(|r| r.locale = Some(Locale::En), &[]);
    check(|r| r.locale = Some("LT".parse().unwrap()), &[]);
    check(|r| r.locale = Some("zh_tw".parse().unwrap()), &[]);
    check(
        |r| r.locale = Some("xx".parse().unwrap()),
        &[Rule::LocaleUnknown],
    );
}

#[test]
fn expiry_time_and_session_length() {
    // 0 is the OpenAPI's minimum (the prose's "more than 0" is not the serializer's check).
    check(|r| r.expiry_time = Some(0), &[]);
    check(|r| r.expiry_time = Some(2_592_000), &[]);
    check(|r| r.expiry_time = Some(-1), &[Rule::ExpiryTimeRange]);
    check(
        |r| r.expiry_time = Some(2_592_001),
        &[Rule::ExpiryTimeRange],
    );
    check(|r| r.session_length = Some(60), &[]);
    check(|r| r.session_length = Some(3600), &[]);
    check(|r| r.session_length = Some(59), &[Rule::SessionLengthRange]);
    check(
        |r| r.session_length = Some(3601),
        &[Rule::SessionLengthRange],
    );
}

#[test]
fn countries_and_nationality() {
    check(|r| r.country = Some("lt".into()), &[]);
    check(|r| r.country = Some("XK".into()), &[]);
    check(|r| r.country = Some("LTU".into()), &[Rule::CountryCode]);
    check(|r| r.country = Some("ZZ".into()), &[Rule::CountryCode]);
    check(|r| r.nationality = Some("ALL".into()), &[]);
    check(|r| r.nationality = Some("de".into()), &[]);
    check(
        |r| r.nationality = Some("EU".into()),
        &[Rule::NationalityCode],
    );
    check(
        |r| r.registry_centers_countries = Some(vec!["LT".into(), "HU".into()]),
        &[],
    );
    check(
        |r| r.registry_centers_countries = Some(vec!["LT".into(), "Q".into()]),
        &[Rule::CountryCode],
    );
}

#[test]
fn dates() {
    check(|r| r.date_of_birth = Some("2000-02-29".into()), &[]);
    check(
        |r| r.date_of_expiry = Some("1900-02-29".into()),
        &[Rule::DateFormat],
    );
    check(
        |r| r.date_of_issue = Some("2021-13-01".into()),
        &[Rule::DateFormat],
    );
    check(
        |r| r.date_of_issue = Some("2021-1-01".into()),
        &[Rule::DateFormat],
    );
    check(
        |r| r.date_of_birth = Some("20/12/1990".into()),
        &[Rule::DateFormat],
    );
    check(
        |r| r.date_of_birth = Some("1990-12-20T00:00:00".into()),
        &[Rule::DateFormat],
    );
}

#[test]
fn numbers_address_external_ref() {
    check(|r| r.personal_number = Some(text(50)), &[]);
    check(
        |r| r.personal_number = Some(text(51)),
        &[Rule::NumberLength],
    );
    check(
        |r| r.document_number = Some(String::new()),
        &[Rule::NumberLength],
    );
    check(|r| r.address = Some(text(255)), &[]);
    check(|r| r.address = Some(text(256)), &[Rule::AddressTooLong]);
    check(|r| r.external_ref = Some(text(40)), &[]);
    check(
        |r| r.external_ref = Some(text(41)),
        &[Rule::ExternalRefTooLong],
    );
}

#[test]
fn vocabularies() {
    check(|r| r.sex = Some(Sex::Female), &[]);
    check(|r| r.sex = Some("X".parse().unwrap()), &[Rule::SexUnknown]);
    check(
        |r| r.documents = Some(vec![DocumentType::Passport, DocumentType::IdCard]),
        &[],
    );
    check(
        |r| {
            r.documents = Some(vec![
                DocumentType::Passport,
                "LIBRARY_CARD".parse().unwrap(),
            ])
        },
        &[Rule::DocumentTypeUnknown],
    );
    check(|r| r.token_type = Some(TokenType::Document), &[]);
    check(
        |r| r.token_type = Some("SELFIE".parse().unwrap()),
        &[Rule::TokenTypeUnknown],
    );
    check(|r| r.dummy_status = Some(DummyStatus::Expired), &[]);
    check(
        |r| r.dummy_status = Some(DummyStatus::Active),
        &[Rule::DummyStatusNotAccepted],
    );
}

#[test]
fn utility_bill_and_uuids() {
    check(|r| r.utility_bill = Some(true), &[]);
    check(
        |r| {
            r.utility_bill = Some(false);
            r.additional_steps = Some(serde_json::json!({"ALL": {}}));
        },
        &[],
    );
    check(
        |r| {
            r.utility_bill = Some(true);
            r.additional_steps = Some(serde_json::json!({"ALL": {}}));
        },
        &[Rule::UtilityBillWithAdditionalSteps],
    );
    check(
        |r| r.theme = Some("5b0c2f4e-1d3a-11ef-9a7c-0242ac120002".into()),
        &[],
    );
    check(
        |r| r.theme = Some("5b0c2f4e1d3a11ef9a7c0242ac120002".into()),
        &[Rule::UuidFormat],
    );
    check(
        |r| r.risk_assessment_profile = Some("not-a-uuid".into()),
        &[Rule::UuidFormat],
    );
}

#[test]
fn every_violation_is_reported_not_the_first() {
    let mut request = TokenRequest::new("");
    request.first_name = Some("R2D2".into());
    request.expiry_time = Some(-1);
    request.country = Some("Lithuania".into());
    let violations = request.validate();
    let rules: Vec<Rule> = violations.iter().map(|v| v.rule).collect();
    assert_eq!(
        rules,
        [
            Rule::ClientIdMissing,
            Rule::NameCharacters,
            Rule::ExpiryTimeRange,
            Rule::CountryCode
        ]
    );
    assert_eq!(violations[3].field, "country");
    assert_eq!(
        violations[3].message,
        "Field 'country' must be a valid ISO 3166-1 alpha-2 code."
    );
    assert_eq!(
        violations[3].to_api_error().identifier,
        ErrorIdentifier::BadValue
    );
}

#[test]
fn add_dummy_status_accepts_exactly_the_dummy_subsets() {
    let request = |face: FaceStatus, document: DocumentStatus| AddDummyStatusRequest {
        scan_ref: "ec6a7108-8c26-11e9-9758-309c231b1bac".into(),
        manual_face_match_result: face,
        manual_document_validity: document,
    };
    for face in FaceStatus::ALL {
        for document in DocumentStatus::ALL {
            let rules: Vec<Rule> = request(face.clone(), document.clone())
                .validate()
                .iter()
                .map(|v| v.rule)
                .collect();
            let mut expected = Vec::new();
            if !FaceStatus::DUMMY_MANUAL.contains(face) {
                expected.push(Rule::DummyFaceNotAccepted);
            }
            if !DocumentStatus::DUMMY_MANUAL.contains(document) {
                expected.push(Rule::DummyDocumentNotAccepted);
            }
            assert_eq!(rules, expected, "{face} {document}");
        }
    }
    let mut missing = request(FaceStatus::FaceMatch, DocumentStatus::DocValidated);
    missing.scan_ref.clear();
    assert_eq!(missing.validate()[0].rule, Rule::ScanRefMissing);
    missing.scan_ref = "x".repeat(41);
    assert_eq!(missing.validate()[0].rule, Rule::ScanRefTooLong);
}

#[test]
fn status_requests_check_the_scan_ref() {
    let rules = |scan_ref: &str| -> Vec<Rule> {
        let request = ScanRefRequest {
            scan_ref: scan_ref.to_owned(),
        };
        request.validate().iter().map(|v| v.rule).collect()
    };
    assert_eq!(rules("ec6a7108-8c26-11e9-9758-309c231b1bac"), []);
    assert_eq!(rules(&"x".repeat(40)), []);
    assert_eq!(rules(""), [Rule::ScanRefMissing]);
    assert_eq!(rules(&"x".repeat(41)), [Rule::ScanRefTooLong]);
}

#[test]
fn rule_names_are_unique_and_parse_back() {
    let mut names: Vec<&str> = Rule::ALL.iter().map(|rule| rule.name()).collect();
    for rule in Rule::ALL {
        assert_eq!(Rule::from_name(rule.name()), Some(*rule));
        assert_eq!(rule.to_string(), rule.name());
        assert_eq!(
            serde_json::to_string(rule).unwrap(),
            format!("\"{}\"", rule.name())
        );
    }
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), Rule::ALL.len());
}

#[test]
fn a_rules_endpoint_is_the_request_that_reports_it() {
    let request =
        |scan_ref: String, face: &FaceStatus, document: &DocumentStatus| AddDummyStatusRequest {
            scan_ref,
            manual_face_match_result: face.clone(),
            manual_document_validity: document.clone(),
        };
    let mut dummy_rules = std::collections::BTreeSet::new();
    for scan_ref in [String::new(), "x".repeat(41), "scan".into()] {
        for face in FaceStatus::ALL {
            for document in DocumentStatus::ALL {
                let violations = request(scan_ref.clone(), face, document).validate();
                dummy_rules.extend(violations.iter().map(|v| v.rule));
            }
        }
    }
    assert_eq!(dummy_rules.len(), 4, "{dummy_rules:?}");
    for rule in Rule::ALL {
        let expected = if dummy_rules.contains(rule) {
            validation::Endpoint::AddDummyStatus
        } else {
            validation::Endpoint::Token
        };
        assert_eq!(rule.endpoint(), expected, "{rule}");
    }
}

#[test]
fn length_messages_name_the_bound_that_applies() {
    let message = |edit: fn(&mut TokenRequest)| {
        let mut request = base();
        edit(&mut request);
        let violations = request.validate();
        assert_eq!(violations.len(), 1, "{violations:?}");
        violations[0].message.clone()
    };
    // A range starting at 0 states only its maximum; any other range states both ends.
    assert_eq!(
        message(|r| r.address = Some(text(256))),
        "Field 'address' must be at most 255 characters long."
    );
    assert_eq!(
        message(|r| r.external_ref = Some(text(41))),
        "Field 'externalRef' must be at most 40 characters long."
    );
    assert_eq!(
        message(|r| r.first_name = Some(String::new())),
        "Field 'firstName' must be 1 to 100 characters long."
    );
    assert_eq!(
        message(|r| r.client_id = text(101)),
        "Field 'clientId' must be 1 to 100 characters long."
    );
}

#[test]
fn calendar_dates_are_exactly_yyyy_mm_dd() {
    use idenfy_model::validation::is_calendar_date;
    for valid in ["2020-01-01", "2000-02-29", "1999-12-31"] {
        assert!(is_calendar_date(valid), "{valid}");
    }
    for invalid in [
        "2020-01-1",
        "2020-1-01",
        "2020-01-001",
        "02020-01-01",
        "2020-01-01 ",
        "2020/01/01",
        "2020-01/01",
        "2020_01_01",
        "2020-0a-01",
        "+020-01-01",
        "2020-02-30",
        "1900-02-29",
        "",
    ] {
        assert!(!is_calendar_date(invalid), "{invalid}");
    }
}

#[test]
fn uuids_are_five_groups_of_hex_digits() {
    use idenfy_model::validation::is_uuid;
    for valid in [
        "5b0c2f4e-1d3a-11ef-9a7c-0242ac120002",
        "5B0C2F4E-1D3A-11EF-9A7C-0242AC120002",
    ] {
        assert!(is_uuid(valid), "{valid}");
    }
    for invalid in [
        // Four groups, each of the right length so far.
        "5b0c2f4e-1d3a-11ef-9a7c",
        // Six groups.
        "5b0c2f4e-1d3a-11ef-9a7c-0242ac120002-0000",
        // Right lengths, not hex.
        "zb0c2f4e-1d3a-11ef-9a7c-0242ac120002",
        "5b0c2f4e-1d3a-11ef-9a7c-0242ac12000g",
        // Hex, wrong group lengths.
        "5b0c2f4-e1d3a-11ef-9a7c-0242ac120002",
        "5b0c2f4e-1d3a-11ef-9a7c-0242ac12000",
        "5b0c2f4e1d3a11ef9a7c0242ac120002",
        "",
    ] {
        assert!(!is_uuid(invalid), "{invalid}");
    }
}
