//! The status vocabulary: overall, face and document statuses, fraud and mismatch tags.
//!
//! Wire names follow iDenfy's OpenAPI file (`IdentificationStatusEnum`, `FaceStatusEnum`,
//! `DocumentStatusEnum`, `FraudTagsEnum`, `InfoMismatchEnum`, `AdditionalStepStatusEnum`)
//! and the vocabulary page; see `idenfy-api.md` section 5.

use crate::open_enum::open_enum;

open_enum! {
    /// Overall verification status (`status.overall` in webhooks, `status` in the status API).
    ///
    /// Source: OAS `IdentificationStatusEnum` plus `EXPIRED-DELETED` from the vocabulary page.
    pub enum OverallStatus {
        /// Approved by the automated platform or a manual reviewer.
        Approved = "APPROVED",
        /// Denied; the face and document statuses say why.
        Denied = "DENIED",
        /// Checks may have passed, but fraud or mismatch tags were found.
        Suspected = "SUSPECTED",
        /// A human reviewer is reviewing the verification.
        Reviewing = "REVIEWING",
        /// The token expired and the verification never took place.
        Expired = "EXPIRED",
        /// The token is created and can still be used.
        Active = "ACTIVE",
        /// The token expired and the verification data was deleted.
        ExpiredDeleted = "EXPIRED-DELETED",
        /// The verification data was deleted.
        Deleted = "DELETED",
        /// The verification data was archived.
        Archived = "ARCHIVED",
    }
}

open_enum! {
    /// Face status (`autoFace`, `manualFace`). Source: OAS `FaceStatusEnum` (12 values).
    pub enum FaceStatus {
        /// The selfie matches the document photo.
        FaceMatch = "FACE_MATCH",
        /// The selfie was not compared to the document face.
        FaceNotChecked = "FACE_NOT_CHECKED",
        /// The faces could not be matched.
        FaceMismatch = "FACE_MISMATCH",
        /// No face could be found in the selfie.
        NoFaceFound = "NO_FACE_FOUND",
        /// More than one face is visible.
        TooManyFaces = "TOO_MANY_FACES",
        /// The selfie is too blurry.
        FaceTooBlurry = "FACE_TOO_BLURRY",
        /// Glare on the selfie.
        FaceGlared = "FACE_GLARED",
        /// Liveness could not be determined.
        FaceUncertain = "FACE_UNCERTAIN",
        /// Denied for another reason, face not analysed.
        FaceNotAnalysed = "FACE_NOT_ANALYSED",
        /// Unclassified face-matching error.
        FaceError = "FACE_ERROR",
        /// Needs a human to decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        /// Not taken in real time, virtual camera, or a fake face.
        FakeFace = "FAKE_FACE",
    }
}

impl FaceStatus {
    /// The 11 values `POST /api/v2/add-dummy-status` accepts as `manualFaceMatchResult`
    /// (every face status but `FACE_GLARED`). Source: `dummy-results.txt`.
    pub const DUMMY_MANUAL: &'static [FaceStatus] = &[
        FaceStatus::FaceMatch,
        FaceStatus::FaceMismatch,
        FaceStatus::NoFaceFound,
        FaceStatus::TooManyFaces,
        FaceStatus::FaceTooBlurry,
        FaceStatus::FaceUncertain,
        FaceStatus::FaceNotAnalysed,
        FaceStatus::FaceNotChecked,
        FaceStatus::FaceError,
        FaceStatus::AutoUnverifiable,
        FaceStatus::FakeFace,
    ];
}

open_enum! {
    /// Document status (`autoDocument`, `manualDocument`). Source: OAS `DocumentStatusEnum` (40 values).
    pub enum DocumentStatus {
        /// The document is valid.
        DocValidated = "DOC_VALIDATED",
        /// Data given with the token does not match the document.
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        /// No document found.
        DocNotFound = "DOC_NOT_FOUND",
        /// The document is not fully visible.
        DocNotFullyVisible = "DOC_NOT_FULLY_VISIBLE",
        /// No face on the document.
        DocFaceNotFound = "DOC_FACE_NOT_FOUND",
        /// The document is too blurry.
        DocTooBlurry = "DOC_TOO_BLURRY",
        /// Glare on the document.
        DocGlared = "DOC_GLARED",
        /// Glare on the document's face photo.
        DocFaceGlared = "DOC_FACE_GLARED",
        /// No machine-readable zone found.
        MrzNotFound = "MRZ_NOT_FOUND",
        /// The machine-readable zone could not be read.
        MrzOcrReadingError = "MRZ_OCR_READING_ERROR",
        /// No barcode found.
        BarcodeNotFound = "BARCODE_NOT_FOUND",
        /// The document has expired.
        DocExpired = "DOC_EXPIRED",
        /// The document type is not supported.
        DocNotSupported = "DOC_NOT_SUPPORTED",
        /// The issuing country is not supported.
        CountryNotSupported = "COUNTRY_NOT_SUPPORTED",
        /// The selected country differs from the issuing country.
        CountryMismatch = "COUNTRY_MISMATCH",
        /// The document type differs from the selected one.
        DocTypeMismatch = "DOC_TYPE_MISMATCH",
        /// The document subtype differs.
        DocSubtypeMismatch = "DOC_SUBTYPE_MISMATCH",
        /// The wrong side of the document was shown.
        DocSideMismatch = "DOC_SIDE_MISMATCH",
        /// The document is damaged.
        DocDamaged = "DOC_DAMAGED",
        /// The document is fake.
        DocFake = "DOC_FAKE",
        /// The personal code is invalid.
        DocPersonalCodeInvalid = "DOC_PERSONAL_CODE_INVALID",
        /// The document type is not allowed.
        DocNotAllowed = "DOC_NOT_ALLOWED",
        /// The first name could not be read.
        DocNameError = "DOC_NAME_ERROR",
        /// The surname could not be read.
        DocSurnameError = "DOC_SURNAME_ERROR",
        /// The expiry date could not be read.
        DocExpiryError = "DOC_EXPIRY_ERROR",
        /// The date of birth could not be read.
        DocDobError = "DOC_DOB_ERROR",
        /// The personal number could not be read.
        DocPersonalNumberError = "DOC_PERSONAL_NUMBER_ERROR",
        /// The document number could not be read.
        DocNumberError = "DOC_NUMBER_ERROR",
        /// The date of issue could not be read.
        DocDateOfIssueError = "DOC_DATE_OF_ISSUE_ERROR",
        /// The sex could not be read.
        DocSexError = "DOC_SEX_ERROR",
        /// The nationality could not be read.
        DocNationalityError = "DOC_NATIONALITY_ERROR",
        /// Denied for another reason, document not analysed.
        DocNotAnalysed = "DOC_NOT_ANALYSED",
        /// Unclassified document error.
        DocError = "DOC_ERROR",
        /// Needs a human to decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
        /// A spoofed document was detected.
        DocSpoofDetected = "DOC_SPOOF_DETECTED",
        /// The machine-readable zone is invalid.
        MrzInvalid = "MRZ_INVALID",
        /// The eID check failed.
        EidFailed = "EID_FAILED",
        /// NFC could not be started.
        NfcInitFailed = "NFC_INIT_FAILED",
        /// The NFC check failed.
        NfcFailed = "NFC_FAILED",
        /// The NFC check timed out.
        NfcTimeout = "NFC_TIMEOUT",
    }
}

impl DocumentStatus {
    /// The 28 values `POST /api/v2/add-dummy-status` accepts as `manualDocumentValidity`,
    /// in the order `dummy-results.txt` lists them.
    pub const DUMMY_MANUAL: &'static [DocumentStatus] = &[
        DocumentStatus::DocValidated,
        DocumentStatus::DocInfoMismatch,
        DocumentStatus::DocNotFound,
        DocumentStatus::DocNotFullyVisible,
        DocumentStatus::DocNotSupported,
        DocumentStatus::DocFaceNotFound,
        DocumentStatus::DocTooBlurry,
        DocumentStatus::DocFaceGlared,
        DocumentStatus::MrzNotFound,
        DocumentStatus::MrzOcrReadingError,
        DocumentStatus::BarcodeNotFound,
        DocumentStatus::DocExpired,
        DocumentStatus::CountryMismatch,
        DocumentStatus::DocTypeMismatch,
        DocumentStatus::DocDamaged,
        DocumentStatus::DocFake,
        DocumentStatus::DocError,
        DocumentStatus::AutoUnverifiable,
        DocumentStatus::DocNotAnalysed,
        DocumentStatus::DocNameError,
        DocumentStatus::DocSurnameError,
        DocumentStatus::DocExpiryError,
        DocumentStatus::DocDobError,
        DocumentStatus::DocPersonalNumberError,
        DocumentStatus::DocNumberError,
        DocumentStatus::DocDateOfIssueError,
        DocumentStatus::DocSexError,
        DocumentStatus::DocNationalityError,
    ];
}

open_enum! {
    /// Fraud tag (`status.fraudTags`). Source: OAS `FraudTagsEnum`; new tags may appear at any time.
    pub enum FraudTag {
        /// This verification's face was added to the blacklist.
        FaceInBlacklist = "FACE_IN_BLACKLIST",
        /// This verification's document face was added to the blacklist.
        DocFaceInBlacklist = "DOC_FACE_IN_BLACKLIST",
        /// The personal data is blacklisted.
        DataBlacklisted = "DATA_BLACKLISTED",
        /// The personal data was added to the blacklist.
        DataInBlacklist = "DATA_IN_BLACKLIST",
        /// The selfie matches an earlier verification's selfie.
        DuplicateFace = "DUPLICATE_FACE",
        /// The document face matches an earlier verification's.
        DuplicateDocFace = "DUPLICATE_DOC_FACE",
        /// The personal data matches an earlier verification's.
        DuplicatePersonalData = "DUPLICATE_PERSONAL_DATA",
        /// A virtual camera was detected.
        VirtualCamera = "VIRTUAL_CAMERA",
        /// The address could not be verified.
        AddressUnverified = "ADDRESS_UNVERIFIED",
        /// The document portrait was substituted.
        PortraitSubstitution = "PORTRAIT_SUBSTITUTION",
        /// The face is suspected.
        FaceSuspected = "FACE_SUSPECTED",
        /// The face matched a blacklist entry.
        FaceBlacklisted = "FACE_BLACKLISTED",
        /// The document face matched a blacklist entry.
        DocFaceBlacklisted = "DOC_FACE_BLACKLISTED",
        /// The document was photographed from a phone screen.
        DocMobilePhoto = "DOC_MOBILE_PHOTO",
        /// Browser developer tools were opened.
        DevToolsOpened = "DEV_TOOLS_OPENED",
        /// The document is a printed copy.
        DocPrintSpoofed = "DOC_PRINT_SPOOFED",
        /// The photo is fake.
        FakePhoto = "FAKE_PHOTO",
        /// The person is on a PEP or sanctions list.
        AmlSuspection = "AML_SUSPECTION",
        /// The AML check failed.
        AmlFailed = "AML_FAILED",
        /// The document is in the lost and stolen database.
        LidSuspection = "LID_SUSPECTION",
        /// The lost-and-stolen check failed.
        LidFailed = "LID_FAILED",
        /// The person is sanctioned.
        SanctionsSuspection = "SANCTIONS_SUSPECTION",
        /// The sanctions check failed.
        SanctionsFailed = "SANCTIONS_FAILED",
        /// The criminal check found a record.
        CriminalSuspected = "CRIMINAL_SUSPECTED",
        /// The criminal check failed.
        CriminalCheckFailed = "CRIMINAL_CHECK_FAILED",
        /// The registry centre check failed.
        RcFailed = "RC_FAILED",
        /// The driver licence check failed.
        DlFailed = "DL_FAILED",
        /// Needs a human to decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
    }
}

open_enum! {
    /// Mismatch tag (`status.mismatchTags`). Source: OAS `InfoMismatchEnum`.
    pub enum MismatchTag {
        /// First name differs from the document.
        Name = "NAME",
        /// Surname differs from the document.
        Surname = "SURNAME",
        /// Document number differs.
        DocumentNumber = "DOCUMENT_NUMBER",
        /// Personal code differs.
        PersonalCode = "PERSONAL_CODE",
        /// Expiry date differs.
        ExpiryDate = "EXPIRY_DATE",
        /// Date of birth differs.
        DateOfBirth = "DATE_OF_BIRTH",
        /// Date of issue differs.
        DateOfIssue = "DATE_OF_ISSUE",
        /// Nationality differs.
        Nationality = "NATIONALITY",
        /// Sex differs.
        Sex = "SEX",
        /// Full name differs.
        FullName = "FULL_NAME",
        /// Document information differs.
        DocInfoMismatch = "DOC_INFO_MISMATCH",
        /// Below the partner's age limit.
        UnderAge = "UNDER_AGE",
        /// Above the partner's maximum age.
        OverAge = "OVER_AGE",
        /// Age could not be read but a limit is set.
        UnknownAge = "UNKNOWN_AGE",
        /// Utility bill address differs.
        UtilityAddress = "UTILITY_ADDRESS",
        /// Utility bill name differs.
        UtilityName = "UTILITY_NAME",
        /// The utility bill has expired.
        ExpiredUtilityBill = "EXPIRED_UTILITY_BILL",
        /// An additional step is invalid.
        InvalidAdditionalStep = "INVALID_ADDITIONAL_STEP",
        /// An additional step was not found.
        AdditionalStepNotFound = "ADDITIONAL_STEP_NOT_FOUND",
        /// Additional step information differs.
        AdditionalStepInformationMismatch = "ADDITIONAL_STEP_INFORMATION_MISMATCH",
        /// Additional step information has expired.
        ExpiredAdditionalStepInformation = "EXPIRED_ADDITIONAL_STEP_INFORMATION",
        /// Registry centre information differs.
        RegistryCenterInfoMismatch = "REGISTRY_CENTER_INFO_MISMATCH",
        /// Driver licence information differs.
        DriverLicenseInfoMismatch = "DRIVER_LICENSE_INFO_MISMATCH",
        /// The proof-of-address document type is not supported.
        NotSupportedPoaDocumentType = "NOT_SUPPORTED_POA_DOCUMENT_TYPE",
        /// The proof-of-address document country is not supported.
        NotSupportedPoaDocumentCountry = "NOT_SUPPORTED_POA_DOCUMENT_COUNTRY",
        /// The proof-of-address countries differ.
        PoaCountriesMismatch = "POA_COUNTRIES_MISMATCH",
        /// A screenshot was used as proof of address.
        PoaScreenshotDetected = "POA_SCREENSHOT_DETECTED",
    }
}

open_enum! {
    /// Legacy suspicion reason (`status.suspicionReasons`), documented in 2021 and still sent by some
    /// environments. Source: GH21 `pages/Vocabulary.md`, D-SUSP.
    pub enum SuspicionReason {
        /// The face is suspected.
        FaceSuspected = "FACE_SUSPECTED",
        /// The face matched a blacklist entry.
        FaceBlacklisted = "FACE_BLACKLISTED",
        /// The document face matched a blacklist entry.
        DocFaceBlacklisted = "DOC_FACE_BLACKLISTED",
        /// The document was photographed from a phone screen.
        DocMobilePhoto = "DOC_MOBILE_PHOTO",
        /// Browser developer tools were opened.
        DevToolsOpened = "DEV_TOOLS_OPENED",
        /// The document is a printed copy.
        DocPrintSpoofed = "DOC_PRINT_SPOOFED",
        /// The photo is fake.
        FakePhoto = "FAKE_PHOTO",
        /// The person is on a PEP or sanctions list.
        AmlSuspection = "AML_SUSPECTION",
        /// The AML check failed.
        AmlFailed = "AML_FAILED",
        /// The document is in the lost and stolen database.
        LidSuspection = "LID_SUSPECTION",
        /// The lost-and-stolen check failed.
        LidFailed = "LID_FAILED",
        /// Needs a human to decide.
        AutoUnverifiable = "AUTO_UNVERIFIABLE",
    }
}

open_enum! {
    /// Additional-step status (`status.additionalSteps`). Source: OAS `AdditionalStepStatusEnum`.
    pub enum AdditionalStepStatus {
        /// The step's document is valid.
        Valid = "VALID",
        /// The step's document is invalid.
        Invalid = "INVALID",
        /// The step's document was not found.
        NotFound = "NOT_FOUND",
    }
}
